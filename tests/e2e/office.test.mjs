// One office, one ledger: two PCs (two persistent browser profiles) opening the single file
// from a USB stick share their records through the office folder (台帳フォルダ). Headless
// Chromium cannot click a folder dialog, so `showDirectoryPicker` returns a folder of the
// profile's private file system: a real FileSystemDirectoryHandle, which the app remembers in
// IndexedDB like the dialog's. Chromium gives a file:// page that file system only with
// --allow-file-access-from-files, so these browsers get the flag; the app's code path is the
// same. The two profiles cannot share one private folder, so the test copies the folder's
// files between them, as a file server or the stick would carry them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ROOT, singleFileOnStick, openProfile, freshProfileDir, generatedFixtureDir, readOpfsFolder,
  writeOpfsFolder,
} from './support.mjs';
import {
  UNIT, region, openLedger, openPlace, chooseStaff, setUpOffice, checkAndRecord, storedEntries,
  restoreFrom, exportBackup, addMemo,
} from './ledger_steps.mjs';

const FOLDER = '台帳フォルダ';
let stick;
let fixtures;
const cleanups = [];

before(async () => {
  stick = await singleFileOnStick();
  fixtures = path.join(await generatedFixtureDir(), 'valid');
});

after(async () => {
  await stick?.cleanup();
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
});

/** Opens a PC whose folder dialog answers with the profile's folder 「台帳フォルダ」. */
async function openPc(dir) {
  const pc = await openProfile(dir, stick.url, { extraArgs: ['--allow-file-access-from-files'] });
  await pc.context.addInitScript((name) => {
    window.showDirectoryPicker = async () => (await navigator.storage.getDirectory())
      .getDirectoryHandle(name, { create: true });
  }, FOLDER);
  await pc.page.reload();
  return pc;
}

const readFolder = (page) => readOpfsFolder(page, FOLDER);
const writeFolder = (page, files) => writeOpfsFolder(page, FOLDER, files);

async function nameThisPc(page, name) {
  await openPlace(page, '設定');
  const settings = region(page, '台帳の設定');
  await settings.getByLabel('このパソコンの名前(例: 事務室PC、佐藤PC)').fill(name);
  await settings.getByRole('button', { name: '設定を保存' }).click();
  await settings.getByText('設定を保存しました').waitFor();
}

const folderStatus = (page) => page.getByTestId('folder-status');

test('two PCs of one office share one ledger through the office folder, from the single file on a USB stick', async () => {
  const dirA = await freshProfileDir();
  const dirB = await freshProfileDir();
  cleanups.push(dirA, dirB);
  const backupOfA = path.join(dirA, 'a.json');

  // PC A (事務室PC): set up, name the PC, record two files, choose the office folder.
  let { page, problems, close } = await openPc(dirA);
  let folderOfA;
  try {
    await setUpOffice(page);
    await nameThisPc(page, '事務室PC');
    await checkAndRecord(page, fixtures);
    await openPlace(page, 'バックアップ・台帳フォルダ');
    const folderPanel = region(page, '台帳フォルダ(事業所のパソコンで共有)');
    await folderStatus(page).filter({ hasText: '台帳フォルダはまだ選ばれていません' }).waitFor();
    await folderPanel.getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
    await folderStatus(page).filter({ hasText: `台帳はこのパソコンと台帳フォルダ「${FOLDER}」にあります。最後に最新にした時刻` }).waitFor();
    await folderPanel.getByRole('cell', { name: '事務室PC(このパソコン)' }).waitFor();
    folderOfA = await readFolder(page);
    const names = Object.keys(folderOfA).sort();
    const chainFiles = names.filter((n) => /^証跡台帳\/devices\/[0-9a-f]{32}\/chain\/\d{12}-\d{12}\.jsonl$/.test(n));
    assert.equal(chainFiles.length, 1, names.join('\n'));
    // Its 端末の登録 and the two files' 送信 and チェック結果.
    assert.match(chainFiles[0], /000000000001-000000000005\.jsonl$/);
    assert.equal(names.filter((n) => /\/files\/[0-9a-f]{64}\.csv$/.test(n)).length, 2, 'both original files');
    assert.equal(names.filter((n) => n.endsWith('/device.json')).length, 1);
    await exportBackup(page, '佐藤 花子', backupOfA);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }

  // PC B: a new PC. Choosing the same folder brings the office's settings and A's records.
  let folderOfB;
  ({ page, problems, close } = await openPc(dirB));
  try {
    await writeFolder(page, folderOfA);
    await openLedger(page);
    await page.getByRole('heading', { name: 'はじめに: 事業所と職員を登録してください' }).waitFor();
    await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
    await page.getByRole('heading', { name: '利用者', exact: true }).waitFor();
    await openPlace(page, '記録一覧');
    const browse = region(page, '記録一覧');
    await browse.getByRole('cell', { name: new RegExp(`^送信 UPPLAN_202505_${UNIT.replace(/\./g, '\\.')}\\(相手先: ひまわり訪問介護\\)`) }).waitFor();
    await browse.getByRole('cell', { name: /事務室PC 記録\d+$/ }).first().waitFor();

    // B names itself and records a file of its own; the record goes to the folder at once.
    await nameThisPc(page, '佐藤PC');
    await chooseStaff(page, '鈴木 一郎');
    await checkAndRecord(page, fixtures, [`UP1KYO_${UNIT}`]);
    await openPlace(page, 'バックアップ・台帳フォルダ');
    await page.getByTestId('chain-status').filter({ hasText: '端末2台の記録' }).waitFor();
    await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('cell', { name: '佐藤PC(このパソコン)' }).waitFor();

    // A's backup, restored twice, changes nothing: the folder already brought everything.
    assert.match(await restoreFrom(page, backupOfA), /変更はありません/);
    assert.match(await restoreFrom(page, backupOfA), /変更はありません/);
    folderOfB = await readFolder(page);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }

  // PC A again: opening the page syncs; B's records are in A's list, sheet and status.
  ({ page, problems, close } = await openPc(dirA));
  try {
    await writeFolder(page, folderOfB);
    await page.reload();
    await openPlace(page, '記録一覧');
    await page.getByTestId('chain-status').filter({ hasText: '端末2台の記録' }).waitFor();
    const browse = region(page, '記録一覧');
    await browse.getByRole('cell', { name: new RegExp(`^送信 UP1KYO_${UNIT.replace(/\./g, '\\.')}\\(相手先: ひまわり訪問介護\\)`) }).waitFor();
    await browse.getByRole('cell', { name: /佐藤PC 記録\d+$/ }).first().waitFor();
    await openPlace(page, '運営指導の印刷');
    const inspection = region(page, '運営指導用の記録を印刷');
    const clientOption = await inspection.getByLabel('利用者').locator('option').nth(1).getAttribute('value');
    await inspection.getByLabel('利用者').selectOption(clientOption);
    const sheetText = await inspection.getByRole('article', { name: '運営指導用の記録' }).innerText();
    assert.match(sheetText, /事務室PC/);
    assert.match(sheetText, /佐藤PC/);
    assert.match(sheetText, /端末2台/);
    const before = await storedEntries(page);

    // A chain file cut short in the folder (a copy that broke off): named, nothing lost.
    const bChain = Object.keys(folderOfB).find((n) => n.includes('/chain/') && !folderOfA[n]);
    const device = bChain.split('/')[2];
    const last = Number(bChain.match(/-(\d{12})\.jsonl$/)[1]);
    const next = `証跡台帳/devices/${device}/chain/${String(last + 1).padStart(12, '0')}-${String(last + 2).padStart(12, '0')}.jsonl`;
    const line = Buffer.from(folderOfB[bChain], 'base64').toString('utf8').split('\n')[0];
    await writeFolder(page, { [next]: Buffer.from(line.slice(0, 40)).toString('base64') });
    await openPlace(page, 'バックアップ・台帳フォルダ');
    await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('button', { name: '最新の状態にする' }).click();
    await page.getByTestId('folder-problems').filter({ hasText: next.split('/').at(-1) }).waitFor();
    await page.getByTestId('folder-problems').filter({ hasText: '途中で切れています' }).waitFor();
    assert.deepEqual(await storedEntries(page), before, 'nothing already held is given up');
    await page.getByTestId('chain-status').filter({ hasText: '端末2台の記録' }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a PC that used the one-browser ledger keeps its old records unchanged and shares them through the office folder', async () => {
  const dirC = await freshProfileDir();
  const dirD = await freshProfileDir();
  const generated = await mkdtemp(path.join(tmpdir(), 'v1-store-'));
  cleanups.push(dirC, dirD, generated);
  execFileSync('cargo', ['run', '--quiet', '--example', 'write_office_backup', '--', generated, '1', '3'], { cwd: ROOT, stdio: 'ignore' });
  const v1 = JSON.parse(await readFile(path.join(generated, 'v1-store.json'), 'utf8'));
  // A page of the same origin (file://) that writes what the previous version kept: schema 1.
  const blank = path.join(path.dirname(new URL(stick.url).pathname), 'blank.html');
  await writeFile(blank, '<!doctype html><title>blank</title>');

  let { page, problems, close } = await openPc(dirC);
  let folderOfC;
  try {
    await page.goto(`file://${blank}`);
    await page.evaluate((v1) => new Promise((resolve, reject) => {
      indexedDB.deleteDatabase('careplan-ledger-evidence');
      const open = indexedDB.open('careplan-ledger-evidence', 1);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('entries', { keyPath: 'seq' });
        db.createObjectStore('files', { keyPath: 'sha256' });
        db.createObjectStore('branches', { keyPath: 'id' });
        db.createObjectStore('meta', { keyPath: 'key' });
      };
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction(['entries', 'meta'], 'readwrite');
        v1.entries.forEach((json, i) => tx.objectStore('entries').add({ seq: i + 1, json }));
        tx.objectStore('meta').put({ key: 'settings', value: v1.settings });
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    }), v1);
    await page.goto(stick.url);
    await openLedger(page);
    // The old chain, as it was: 8 entries, verified, as one (legacy) device.
    await page.getByTestId('chain-status').filter({ hasText: '端末1台の記録 計8件のつながりを確認しました' }).waitFor();
    const stored = (await storedEntries(page)).map((j) => JSON.parse(j));
    assert.deepEqual(stored.map((e) => e.hash), v1.entries.map((j) => JSON.parse(j).hash), 'unchanged, entry for entry');
    // This PC goes on as a device of its own, and shares both chains through the folder.
    await addMemo(page, '佐々木', '移行の後の記録');
    await page.getByTestId('chain-status').filter({ hasText: '端末2台の記録 計10件' }).waitFor();
    await openPlace(page, 'バックアップ・台帳フォルダ');
    await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
    await folderStatus(page).filter({ hasText: '最後に最新にした時刻' }).waitFor();
    folderOfC = await readFolder(page);
    assert.ok(Object.keys(folderOfC).some((n) => /\/legacy\/[0-9a-f]{32}\/000000000001-000000000008\.jsonl$/.test(n)),
      Object.keys(folderOfC).join('\n'));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }

  ({ page, problems, close } = await openPc(dirD));
  try {
    await writeFolder(page, folderOfC);
    await openLedger(page);
    await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
    await page.getByTestId('chain-status').filter({ hasText: '端末2台の記録 計10件のつながりを確認しました' }).waitFor();
    await openPlace(page, '記録一覧');
    await region(page, '記録一覧').getByRole('cell', { name: 'メモ: 移行の後の記録' }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await rm(blank, { force: true });
  }
});
