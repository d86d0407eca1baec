// The evidence ledger, as an office uses it: set up the office and staff, check files, record
// them, reload (still there), add a later event, print the inspection sheet, back up, clear the
// browser, restore (identical), restore again (no change), and a tampered backup refused.
// From a localhost server and from the single file on a USB stick.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  serveDist, singleFileOnStick, openProfile, freshProfileDir, generatedFixtureDir,
} from './support.mjs';
import {
  UNIT, region, openLedger, openPlace, chooseStaff, setUpOffice, checkAndRecord, storedEntries,
  restoreFrom, addMemo, exportBackup,
} from './ledger_steps.mjs';

let server;
let stick;
let fixtures;
const cleanups = [];

before(async () => {
  server = await serveDist();
  stick = await singleFileOnStick();
  fixtures = path.join(await generatedFixtureDir(), 'valid');
});

after(async () => {
  await server?.close();
  await stick?.cleanup();
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
});

for (const way of ['http', 'file']) {
  test(`ledger from ${way === 'http' ? 'a localhost server' : 'the single file on a USB stick'}: record, reload, print, back up, restore`, async () => {
    const url = way === 'http' ? server.url : stick.url;
    const profile = await freshProfileDir();
    const secondProfile = await freshProfileDir();
    cleanups.push(profile, secondProfile);
    let { page, problems, close } = await openProfile(profile, url);
    try {
      await setUpOffice(page);
      await page.getByText('最後のバックアップ: まだありません').waitFor();
      await checkAndRecord(page, fixtures);

      // Reload: still there, and the chain checks.
      await page.reload();
      await openPlace(page, '記録一覧');
      // This PC's chain: its 端末の登録, then the 4 entries of the two files.
      await page.getByTestId('chain-status').filter({ hasText: '端末1台の記録 計5件のつながりを確認しました' }).waitFor();
      const browse = region(page, '記録一覧');
      // One row per file: its 送信 and its check result together.
      await browse.getByRole('cell', { name: new RegExp(`^送信 UPPLAN_202505_${UNIT.replace(/\./g, '\\.')}\\(相手先: ひまわり訪問介護\\)\\s*チェック結果`) }).waitFor();

      // Search by file name, then the client's page with versions.
      await browse.getByLabel('検索(氏名・ふりがな・被保険者番号・ファイル名など)').fill('UPHOSOKU');
      await browse.getByText('記録 1件(新しい順)').waitFor();
      await browse.getByLabel('検索(氏名・ふりがな・被保険者番号・ファイル名など)').fill('');
      await openPlace(page, '利用者');
      await page.locator('.client-button').first().click();
      const clientPage = page.locator('#place-client');
      await clientPage.getByText('【最新】').first().waitFor();

      // A later event: where the file is kept. A missing value is explained next to the field.
      await chooseStaff(page, '鈴木 一郎');
      await openPlace(page, '記録を追加');
      const events = region(page, 'あとからの記録を追加');
      await events.getByLabel('記録の種類').selectOption({ label: '保存場所' });
      await events.getByRole('button', { name: 'この記録を追加' }).click();
      await events.getByText('対象のファイルを選んでください').waitFor();
      const fileOption = await events.getByLabel('対象のファイル').locator('optgroup[label="ファイルごと"] option', { hasText: 'UPPLAN' }).first().getAttribute('value');
      await events.getByLabel('対象のファイル').selectOption(fileOption);
      await events.getByLabel('保存場所(フォルダの場所や保管場所)').fill('\\\\server\\ケアプラン\\2025\\05');
      await events.getByRole('button', { name: 'この記録を追加' }).click();
      await events.getByText('保存しました').waitFor();

      // The inspection sheet of the chosen client shows the versions, who, hashes and the storage place.
      await openPlace(page, '運営指導の印刷');
      const inspection = region(page, '運営指導用の記録を印刷');
      const sheet = inspection.getByRole('article', { name: '運営指導用の記録' });
      await sheet.waitFor();
      const sheetText = await sheet.innerText();
      assert.match(sheetText, /さくら居宅介護支援事業所/);
      assert.match(sheetText, /2025年4月25日 09:30作成/);
      assert.match(sheetText, new RegExp(`UPPLAN_202505_${UNIT.replace(/\./g, '\\.')}`));
      assert.match(sheetText, /佐藤 花子/);
      assert.match(sheetText, /server.ケアプラン/);
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        inspection.getByRole('button', { name: 'CSVで保存' }).click(),
      ]);
      const csvFile = path.join(profile, 'inspection.csv');
      await csv.saveAs(csvFile);
      const csvBytes = await readFile(csvFile);
      assert.deepEqual([...csvBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM for Excel');
      assert.match(csvBytes.toString('utf8'), /2025年4月25日 09:30作成/);
      await page.emulateMedia({ media: 'print' });
      // By CSS: while printing, the panels around the sheet (its region too) leave the accessibility tree.
      assert.ok(await page.locator('.inspection-sheet').isVisible(), 'the sheet prints');
      await page.emulateMedia({ media: 'screen' });

      // Back up: the download is the verified backup, and the reminder line updates.
      await chooseStaff(page, '佐藤 花子');
      await openPlace(page, 'バックアップ・台帳フォルダ');
      const backupRegion = region(page, 'バックアップ');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        backupRegion.getByRole('button', { name: 'バックアップを書き出す' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^証跡台帳バックアップ_1310000001_\d{8}_\d{4}\.json$/);
      const backupFile = path.join(profile, 'backup.json');
      await download.saveAs(backupFile);
      await page.getByTestId('export-status').filter({ hasText: 'バックアップを書き出しました' }).waitFor();
      await page.getByText('最後のバックアップ: 今日').waitFor();
      const backup = JSON.parse(await readFile(backupFile, 'utf8'));
      assert.equal(backup.header.format_version, 2);
      assert.equal(backup.chains.length, 1);
      assert.equal(backup.chains[0].entries.length, 6);
      assert.equal(backup.files.length, 2);
      assert.deepEqual(problems, []);
      await close();

      // A cleared browser (a new profile): restore gives the identical ledger.
      ({ page, problems, close } = await openProfile(secondProfile, url));
      await openLedger(page);
      await page.getByRole('heading', { name: 'はじめに: 事業所と職員を登録してください' }).waitFor();
      assert.match(await restoreFrom(page, backupFile), /バックアップは正常です\(端末1台の記録6件、ファイル2件\)/);
      await page.getByRole('button', { name: '復元する' }).click();
      // The first screen gives way to the ledger, at its backups, where the message stays.
      await page.getByTestId('restore-status').filter({ hasText: '復元しました' }).waitFor();
      await page.getByRole('navigation', { name: '台帳の中の場所' }).getByRole('link', { name: 'バックアップ・台帳フォルダ', current: 'page' }).waitFor();
      const restored = await storedEntries(page);
      assert.deepEqual(restored.map((j) => JSON.parse(j)), backup.chains[0].entries);
      await page.getByTestId('chain-status').filter({ hasText: '端末1台の記録 計6件のつながりを確認しました' }).waitFor();

      // The original file is downloadable again, under its original name, byte for byte.
      await openPlace(page, '記録一覧');
      const [original] = await Promise.all([
        page.waitForEvent('download'),
        region(page, '記録一覧').getByRole('button', { name: `元のファイルを保存(UPPLAN_202505_${UNIT})` }).click(),
      ]);
      assert.equal(original.suggestedFilename(), `UPPLAN_202505_${UNIT}`);
      const again = path.join(secondProfile, 'again.csv');
      await original.saveAs(again);
      assert.deepEqual(await readFile(again), await readFile(path.join(fixtures, `UPPLAN_202505_${UNIT}`)));

      // The same backup twice: nothing changes.
      await chooseStaff(page, '佐藤 花子');
      assert.match(await restoreFrom(page, backupFile), /変更はありません/);
      assert.equal(await page.getByRole('button', { name: '復元する' }).count(), 0);
      assert.deepEqual(await storedEntries(page), restored);

      // One changed byte in an entry: refused, with the entry's number.
      const tampered = path.join(secondProfile, 'tampered.json');
      const text = await readFile(backupFile, 'utf8');
      await writeFile(tampered, text.replace('鈴木 一郎', '鈴木 二郎'));
      const refused = await restoreFrom(page, tampered);
      assert.match(refused, /復元しませんでした: バックアップの記録6が書き換えられている/);
      assert.deepEqual(await storedEntries(page), restored);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

for (const way of ['http', 'file']) {
  test(`ledger from ${way === 'http' ? 'a localhost server' : 'the single file on a USB stick'}: another PC's backup joins the office ledger; checkpoints issue and verify`, async () => {
    const url = way === 'http' ? server.url : stick.url;
    const officeA = await freshProfileDir();
    const officeB = await freshProfileDir();
    cleanups.push(officeA, officeB);
    const first = path.join(officeA, 'first.json');
    const second = path.join(officeB, 'second.json');

    // PC A: set up, record, back up.
    let { page, problems, close } = await openProfile(officeA, url);
    try {
      await setUpOffice(page);
      await checkAndRecord(page, fixtures);
      await openLedger(page);
      await exportBackup(page, '佐藤 花子', first);

      // A checkpoint: the text to keep outside, then checking against it (and a mistyped one).
      const checkpoints = region(page, 'チェックポイント');
      await checkpoints.getByRole('button', { name: 'チェックポイントを作る' }).click();
      const kept = await checkpoints.getByLabel('チェックポイント(印刷またはコピーして保管)').inputValue();
      assert.match(kept, /事業所番号: 1310000001/);
      assert.match(kept, /端末数: 1台/);
      assert.match(kept, /記録件数: 6件/);
      assert.match(kept, /端末: [0-9a-f]{32} 6件 /);
      await checkpoints.getByLabel('保管したチェックポイントと照合(貼り付けか入力)').fill(kept);
      await checkpoints.getByRole('button', { name: '照合する' }).click();
      await checkpoints.getByText(/✔ 一致: .*端末1台の記録6件は、チェックポイントを保管した後に書き換えられても消されてもいません/).waitFor();
      const root = kept.match(/まとめハッシュ: (\S+)/)[1];
      const wrong = kept.replace(root, (root[0] === 'a' ? 'b' : 'a') + root.slice(1));
      await checkpoints.getByLabel('保管したチェックポイントと照合(貼り付けか入力)').fill(wrong);
      await checkpoints.getByRole('button', { name: '照合する' }).click();
      await checkpoints.getByText(/✖ 不一致: /).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }

    // PC B: restore A's backup, add its own memo, back up.
    ({ page, problems, close } = await openProfile(officeB, url));
    try {
      await openLedger(page);
      await restoreFrom(page, first);
      await page.getByRole('button', { name: '復元する' }).click();
      await page.getByTestId('restore-status').filter({ hasText: '復元しました' }).waitFor();
      await addMemo(page, '鈴木 一郎', 'PC Bで書いたメモ');
      await exportBackup(page, '鈴木 一郎', second);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }

    // PC A again: B's records join A's ledger as another PC's. Nothing of A's changes.
    ({ page, problems, close } = await openProfile(officeA, url));
    try {
      await openLedger(page);
      const before = await storedEntries(page);
      await chooseStaff(page, '佐藤 花子');
      assert.match(await restoreFrom(page, second), /新しい記録2件\(はじめての端末1台を含む\)を加えます/);
      await page.getByRole('button', { name: '復元する' }).click();
      await page.getByTestId('restore-status').filter({ hasText: '復元しました' }).waitFor();
      await openPlace(page, '記録一覧');
      const browse = region(page, '記録一覧');
      await browse.getByRole('cell', { name: 'メモ: PC Bで書いたメモ' }).waitFor();
      await page.getByTestId('chain-status').filter({ hasText: '端末2台の記録' }).waitFor();
      const after = await storedEntries(page);
      for (const json of before) assert.ok(after.includes(json), 'every entry A had is still there');
      // B's 端末の登録 and memo (its バックアップ書出 came after the backup), and one バックアップ復元.
      assert.equal(after.length, before.length + 2 + 1);
      const restoredEntry = after.map((j) => JSON.parse(j)).find((e) => e.kind === 'backup_restored');
      assert.equal(restoredEntry.details.outcome, 'merged');
      assert.equal(await page.getByRole('region', { name: '食い違う記録' }).count(), 0, 'no conflict');

      // The same backup again: nothing new, no change.
      assert.match(await restoreFrom(page, second), /変更はありません/);
      assert.deepEqual(await storedEntries(page), after);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

test('from a localhost server, where the browser can write to a folder: backups go to the chosen folder and are read back', async () => {
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { page, context, problems, close } = await openProfile(profile, server.url);
  try {
    // Stand-in for the folder dialog (headless Chromium cannot show one): a folder in the
    // origin's private file system, which has the same directory-handle interface.
    await context.addInitScript(() => {
      window.showDirectoryPicker = async () => (await navigator.storage.getDirectory())
        .getDirectoryHandle('バックアップ', { create: true });
    });
    await page.reload();
    await setUpOffice(page);
    await checkAndRecord(page, fixtures);
    await openPlace(page, 'バックアップ・台帳フォルダ');
    const backupRegion = region(page, 'バックアップ');
    await backupRegion.getByRole('button', { name: '書き出し先のフォルダを選ぶ' }).click();
    await page.getByTestId('backup-folder').filter({ hasText: '書き出し先: フォルダ「バックアップ」' }).waitFor();
    await backupRegion.getByRole('button', { name: 'バックアップを書き出す' }).click();
    await page.getByTestId('export-status').filter({ hasText: 'フォルダ「バックアップ」に' }).waitFor();
    const written = await page.evaluate(async () => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('バックアップ');
      const names = [];
      for await (const name of folder.keys()) names.push(name);
      const file = await (await folder.getFileHandle(names[0])).getFile();
      return { names, text: await file.text() };
    });
    assert.equal(written.names.length, 1);
    assert.match(written.names[0], /^証跡台帳バックアップ_1310000001_\d{8}_\d{4}\.json$/);
    assert.equal(JSON.parse(written.text).chains[0].entries.length, 5);
    await page.getByText('最後のバックアップ: 今日').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('two tabs recording the same files at the same moment keep one valid chain and record each file once', async () => {
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { context, page, problems, close } = await openProfile(profile, stick.url);
  try {
    await setUpOffice(page);
    // A second tab of the same page (same browser profile, same IndexedDB).
    const other = await context.newPage();
    await other.goto(stick.url);
    await other.getByText('ここにCSVファイルをドロップ').waitFor();
    // Both tabs record the same two files: one stores them, the other says they were recorded.
    const outcomes = await Promise.allSettled([checkAndRecord(page, fixtures), checkAndRecord(other, fixtures)]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, 'one tab saved the files');
    const late = outcomes[0].status === 'fulfilled' ? other : page;
    await region(late, '台帳に記録').getByText('このファイル2件はすでに記録されていました').waitFor();

    const entries = (await storedEntries(page)).map((json) => JSON.parse(json)).sort((a, b) => a.seq - b.seq);
    assert.equal(entries.length, 5, 'the 2 files recorded once (4 entries), after one 端末の登録');
    entries.forEach((entry, i) => {
      assert.equal(entry.seq, i + 1, 'no seq twice, none missing');
      if (i > 0) assert.equal(entry.prev_hash, entries[i - 1].hash, `entry ${i + 1} follows entry ${i}`);
    });
    await page.reload();
    await openLedger(page);
    await page.getByTestId('chain-status').filter({ hasText: '端末1台の記録 計5件のつながりを確認しました' }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
