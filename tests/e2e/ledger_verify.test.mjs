// Verifying the stored ledger with the ledger worker, from the single file on a USB stick
// (where the worker runs): a clean ledger is shown and then called verified, and an entry
// changed inside IndexedDB (its hash left as it was) is found by the worker's recomputed
// hashes and reported by seq, exactly as the whole verification on the page reports it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { singleFileOnStick, openProfile, freshProfileDir, generatedFixtureDir } from './support.mjs';
import { openLedger, setUpOffice, checkAndRecord } from './ledger_steps.mjs';

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

/** Changes the actor of entry `seq` of this PC's chain in IndexedDB, keeping its hash. */
async function changeStoredActor(page, seq, actor) {
  return page.evaluate(({ seq, actor }) => new Promise((resolve, reject) => {
    const open = indexedDB.open('careplan-ledger-evidence');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const store = open.result.transaction('chain_segments', 'readwrite').objectStore('chain_segments');
      const all = store.getAll();
      all.onsuccess = () => {
        let changed = 0;
        for (const record of all.result) {
          const lines = record.jsonl.split('\n').map((line) => {
            if (!line.includes(`"seq":${seq},`)) return line;
            changed += 1;
            return line.replace(/"actor":"[^"]*"/, `"actor":"${actor}"`);
          });
          store.put({ ...record, jsonl: lines.join('\n') });
        }
        store.transaction.oncomplete = () => { open.result.close(); resolve(changed); };
        store.transaction.onerror = () => reject(store.transaction.error);
      };
    };
  }), { seq, actor });
}

test('the stored ledger is verified by the worker: shown, then verified; a changed entry is reported by seq', async () => {
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { page, problems, close } = await openProfile(profile, stick.url);
  try {
    await setUpOffice(page);
    await checkAndRecord(page, fixtures);
    const status = page.getByTestId('chain-status');

    await page.reload();
    await openLedger(page);
    await status.filter({ hasText: '端末1台の記録 計5件のつながりを確認しました' }).waitFor();
    assert.match(await status.innerText(), /^✔ /);
    // Every stage of the load ran, the worker's hash check last.
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    for (const m of ['ledger-read', 'ledger-parsed', 'ledger-shown', 'ledger-hashes-in-worker', 'ledger-verified']) assert.ok(marks.includes(m), m);

    assert.equal(await changeStoredActor(page, 3, '改ざん者'), 1);
    await page.reload();
    await openLedger(page);
    await status.filter({ hasText: '台帳に問題が見つかりました' }).waitFor();
    const text = await status.innerText();
    assert.match(text, /^✖ /);
    // The worker found it (the page then verified the whole way to name it).
    assert.ok(await page.evaluate(() => performance.getEntriesByName('ledger-hashes-in-worker').length === 1));
    assert.match(text, /記録3で問題が見つかりました: 記録の内容がハッシュと一致しません/);
    assert.match(text, /記録1〜2は正常です/);
    assert.doesNotMatch(text, /計5件のつながりを確認しました/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
