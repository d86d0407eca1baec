// The steps a clerk takes in the ledger, shared by the end-to-end tests: set up the office,
// check and record files, read what IndexedDB holds, restore, add a memo, back up.
import assert from 'node:assert/strict';
import path from 'node:path';

export const OUR_OFFICE = '1310000001';
export const UNIT = '1310000001_43_1310000002_11_20250425093000.CSV';
export const FILES = [`UPHOSOKU_202505_${UNIT}`, `UPPLAN_202505_${UNIT}`];

export const region = (page, name) => page.getByRole('region', { name, exact: true });

export async function openLedger(page) {
  await page.getByRole('button', { name: '証跡台帳', exact: true }).click();
  await page.getByRole('heading', { name: '証跡台帳', level: 2 }).waitFor();
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
  // The first-run form gives way to the ledger.
  await page.getByRole('heading', { name: '記録を見る・探す' }).waitFor();
}

export async function checkAndRecord(page, fixtures, files = FILES) {
  await page.getByRole('button', { name: 'ファイルを点検', exact: true }).click();
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
    await panel.getByLabel(`${f} の相手先事業所名`).fill('ひまわり訪問介護');
  }
  await panel.getByLabel('記録者').selectOption('佐藤 花子');
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
  const status = page.getByTestId('restore-status');
  await page.getByLabel('バックアップから復元', { exact: true }).setInputFiles(file);
  await status.filter({ hasText: /バックアップは正常です|復元しませんでした/ }).waitFor();
  return status.innerText();
}

/** Adds a メモ in the ledger view. */
export async function addMemo(page, actor, text) {
  const events = region(page, 'あとからの記録を追加');
  await events.getByLabel('記録者').selectOption(actor);
  await events.getByLabel('記録の種類').selectOption({ label: 'メモ' });
  await events.getByLabel('メモの内容').fill(text);
  await events.getByRole('button', { name: 'この記録を追加' }).click();
  await events.getByText('保存しました').waitFor();
}

/** Exports a backup and saves it as `file`. */
export async function exportBackup(page, actor, file) {
  const backupRegion = region(page, 'バックアップ');
  await backupRegion.getByLabel('記録者').selectOption(actor);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    backupRegion.getByRole('button', { name: 'バックアップを書き出す' }).click(),
  ]);
  await download.saveAs(file);
  await page.getByTestId('export-status').filter({ hasText: 'バックアップを書き出しました' }).waitFor();
}

