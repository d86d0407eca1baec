// The steps a clerk takes in the ledger, shared by the end-to-end tests: set up the office,
// check and record files, read what IndexedDB holds, restore, add a memo, back up.
import assert from 'node:assert/strict';
import path from 'node:path';

export const OUR_OFFICE = '1310000001';
export const UNIT = '1310000001_43_1310000002_11_20250425093000.CSV';
export const FILES = [`UPHOSOKU_202505_${UNIT}`, `UPPLAN_202505_${UNIT}`];

export const region = (page, name) => page.getByRole('region', { name, exact: true });

export async function openLedger(page) {
  await page.getByRole('navigation', { name: '画面の切り替え' }).getByRole('link', { name: '証跡台帳', exact: true }).click();
  await page.getByRole('heading', { name: '証跡台帳', level: 2 }).waitFor();
}

/** The checking page (the start screen), by its link at the top. */
export async function openCheck(page) {
  await page.getByRole('navigation', { name: '画面の切り替え' }).getByRole('link', { name: 'ファイルを点検', exact: true }).click();
}

/** One of the ledger's places (利用者, 記録一覧, 記録を追加, 運営指導の印刷, バックアップ・台帳フォルダ, 設定), from its menu. */
export async function openPlace(page, label) {
  const menu = page.getByRole('navigation', { name: '台帳の中の場所' });
  if (!(await menu.isVisible())) await openLedger(page);
  await menu.getByRole('link', { name: label, exact: true }).click();
  await menu.getByRole('link', { name: label, exact: true, current: 'page' }).waitFor();
}

/** 「本日の担当者」 at the top of the page. */
export async function chooseStaff(page, name) {
  await page.getByLabel('本日の担当者').selectOption(name);
}

export async function setUpOffice(page) {
  await openLedger(page);
  await page.getByLabel('自事業所番号(半角数字10桁)').fill('13100');
  await page.getByLabel('事業所名').fill('さくら居宅介護支援事業所');
  await page.getByRole('button', { name: '設定を保存' }).click();
  // Validation speaks next to the fields, in words.
  await page.getByText('自事業所番号は半角数字10桁で入力してください').waitFor();
  await page.getByText('記録する職員の名前を1人以上入力してください').waitFor();
  await page.getByLabel('自事業所番号(半角数字10桁)').fill(OUR_OFFICE);
  await page.getByLabel('職員の名前(1行に1人)').fill('佐藤 花子\n鈴木 一郎');
  await page.getByRole('button', { name: '設定を保存' }).click();
  // The first-run form gives way to the ledger, at its first place.
  await page.getByRole('heading', { name: '利用者', exact: true }).waitFor();
  // Focus is not lost: it is on the heading of the place now shown.
  await page.waitForFunction(() => document.activeElement?.textContent === '利用者');
  await chooseStaff(page, '佐藤 花子');
}

export async function checkAndRecord(page, fixtures, files = FILES, partner = '1310000002') {
  await openCheck(page);
  await page.getByLabel('ファイルを選ぶ', { exact: true }).setInputFiles(files.map((f) => path.join(fixtures, f)));
  const panel = region(page, '台帳に記録');
  await panel.waitFor();
  for (const f of files) {
    // Our office sends these: the direction is proposed as 送信.
    await assert.doesNotReject(async () => {
      const select = panel.getByLabel(`${f} の受信・送信`);
      await select.waitFor();
      assert.equal(await select.inputValue(), 'sent');
    });
  }
  // The partner's name once for its files.
  await panel.getByLabel(`${partner} の事業所名`).fill('ひまわり訪問介護');
  await panel.getByRole('button', { name: '台帳に記録' }).click();
  await panel.getByText(`保存しました(ファイル${files.length}件、記録${files.length * 2}件)`).waitFor();
  // What keeping data in this browser means, in plain Japanese.
  await panel.getByText('このパソコンのブラウザの中に保存されます').waitFor();
  await panel.getByText('✔ 記録済み').first().waitFor();
}

/**
 * The entries as stored in IndexedDB (their JSON text), every device's, in key order (device,
 * then seq), each once, for comparing two browsers.
 */
export async function storedEntries(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('careplan-ledger-evidence');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('chain_segments').objectStore('chain_segments').getAll();
      request.onsuccess = () => {
        const seen = new Set();
        const lines = [];
        for (const r of request.result) {
          for (const line of r.jsonl.split('\n')) {
            if (line && !seen.has(line)) { seen.add(line); lines.push(line); }
          }
        }
        resolve(lines);
        open.result.close();
      };
      request.onerror = () => reject(request.error);
    };
  }));
}

export async function restoreFrom(page, file) {
  // Before the office is set up, the first screen offers the restore itself.
  if (await page.getByRole('navigation', { name: '台帳の中の場所' }).isVisible()) {
    await openPlace(page, 'バックアップ・台帳フォルダ');
  }
  const status = page.getByTestId('restore-status');
  await page.getByLabel('バックアップから復元', { exact: true }).setInputFiles(file);
  await status.filter({ hasText: /バックアップは正常です|復元しませんでした/ }).waitFor();
  return status.innerText();
}

/** Adds a メモ in the ledger's 記録を追加. */
export async function addMemo(page, actor, text) {
  await chooseStaff(page, actor);
  await openPlace(page, '記録を追加');
  const events = region(page, 'あとからの記録を追加');
  await events.getByLabel('記録の種類').selectOption({ label: 'メモ' });
  await events.getByLabel('メモの内容').fill(text);
  await events.getByRole('button', { name: 'この記録を追加' }).click();
  await events.getByText('保存しました').waitFor();
}

/** Exports a backup and saves it as `file`. */
export async function exportBackup(page, actor, file) {
  await chooseStaff(page, actor);
  await openPlace(page, 'バックアップ・台帳フォルダ');
  const backupRegion = region(page, 'バックアップ');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    backupRegion.getByRole('button', { name: 'バックアップを書き出す' }).click(),
  ]);
  await download.saveAs(file);
  await page.getByTestId('export-status').filter({ hasText: 'バックアップを書き出しました' }).waitFor();
}


/**
 * Chooses `files` on the checking page, waits for the check, names every partner office
 * (相手先1, 相手先2, …) and returns the record panel, its button (not clicked) and how many
 * files are ticked.
 */
export async function chooseFilesToRecord(page, files) {
  await openCheck(page);
  await page.getByLabel('ファイルを選ぶ', { exact: true }).setInputFiles(files);
  await page.getByRole('status').filter({ hasText: '点検が終わりました' }).waitFor({ timeout: 60_000 });
  const panel = region(page, '台帳に記録');
  const names = panel.getByRole('table', { name: '相手先の事業所名(事業所ごとに1回)' }).getByRole('textbox');
  await names.first().waitFor();
  for (let i = 0; i < await names.count(); i += 1) {
    if (!(await names.nth(i).inputValue())) await names.nth(i).fill(`相手先${i + 1}`);
  }
  const button = panel.getByRole('button', { name: /^台帳に記録\(\d+件\)$/ });
  await button.waitFor();
  const ticked = Number((await button.innerText()).match(/\((\d+)件\)/)[1]);
  return { panel, button, ticked };
}
