// A full disk, for real: the browser profile lives on a small RAM disk (tmpfs) that is filled
// up to 1 MB before a month's files and a 20 MB 第6表 are recorded. The page must say in words
// that the space ran out and that nothing was saved, the ledger must be exactly as before,
// and once space is back the same click records. (CDP's Storage.overrideQuotaForOrigin was
// tried first: Chromium 156 accepts it and still lets every write through.)
// Needs root to mount the tmpfs, as on the project's machines; elsewhere it is skipped, saying why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { singleFileOnStick, openProfile, sha256, ROOT } from './support.mjs';
import { region, openCheck, setUpOffice, storedEntries } from './ledger_steps.mjs';

const BIG = 'UPPLAN_202505_1310000001_43_1310000009_11_20250425093000.CSV';
let stick;
let files;
let disk;
let mounted = false;
let whyNot = '';
const cleanups = [];

before(async () => {
  stick = await singleFileOnStick();
  const dir = await mkdtemp(path.join(tmpdir(), 'quota-e2e-'));
  cleanups.push(dir);
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_office_month', '--', dir], { cwd: ROOT });
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_large_upplan', '--', path.join(dir, BIG), '20'], { cwd: ROOT });
  const folder = path.join(dir, 'real-size');
  files = (await readdir(folder)).sort().slice(0, 32).map((n) => path.join(folder, n));
  files.push(path.join(dir, BIG));
  disk = path.join(dir, 'small-disk');
  await mkdir(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=100m', 'tmpfs', disk], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    whyNot = `cannot mount a tmpfs here (${String(e.stderr ?? e.message).trim()})`;
  }
});

after(async () => {
  await stick?.cleanup();
  if (mounted) execFileSync('umount', ['-l', disk]);
  for (const d of cleanups) await rm(d, { recursive: true, force: true });
});

const freeKiB = () => Number(execFileSync('df', ['-k', '--output=avail', disk]).toString().split('\n')[1]);

test('a full disk is said in words, and nothing of the batch is stored', async (t) => {
  if (!mounted) { t.skip(whyNot); return; }
  const { page, close } = await openProfile(path.join(disk, 'profile'), stick.url);
  const filler = path.join(disk, 'filler');
  try {
    await setUpOffice(page);
    const before = await storedEntries(page);
    await openCheck(page);
    await page.getByLabel('ファイルを選ぶ', { exact: true }).setInputFiles(files);
    await page.getByRole('status').filter({ hasText: '点検が終わりました' }).waitFor({ timeout: 60_000 });
    const panel = region(page, '台帳に記録');
    const big = panel.getByLabel(`${BIG} を記録する`);
    if (!(await big.isChecked())) await big.check();
    const names = panel.getByRole('table', { name: '相手先の事業所名(事業所ごとに1回)' }).getByRole('textbox');
    await names.first().waitFor();
    for (let i = 0; i < await names.count(); i += 1) await names.nth(i).fill(`相手先${i + 1}`);
    const button = panel.getByRole('button', { name: /^台帳に記録\(\d+件\)$/ });
    assert.equal(await button.innerText(), `台帳に記録(${files.length}件)`);

    // The disk fills up, as when a PC's drive is full: 1 MB is left.
    execFileSync('fallocate', ['-l', `${(freeKiB() - 1024) * 1024}`, filler]);
    await button.click();
    const said = panel.getByText(/^記録できませんでした/);
    await said.waitFor({ timeout: 60_000 });
    const words = await said.innerText();
    assert.match(words, /パソコンの空き容量が足りません/, words);
    assert.match(words, /記録は保存されていません/, words);
    assert.deepEqual(await storedEntries(page), before, 'the ledger is as it was');
    const fileCount = () => page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('careplan-ledger-evidence');
      open.onsuccess = () => {
        const r = open.result.transaction('files').objectStore('files').count();
        r.onsuccess = () => { resolve(r.result); open.result.close(); };
        r.onerror = () => reject(r.error);
      };
    }));
    assert.equal(await fileCount(), 0, 'no file bytes kept');

    // Space is back: the same button records the whole batch.
    await rm(filler);
    await button.click();
    await panel.getByText(`保存しました(ファイル${files.length}件、記録${files.length * 2}件)`).waitFor({ timeout: 60_000 });
    const distinct = new Set(await Promise.all(files.map(async (f) => sha256(await readFile(f))))).size;
    assert.equal(await fileCount(), distinct, 'each content kept once');
  } finally {
    await close();
    await rm(filler, { force: true });
  }
});
