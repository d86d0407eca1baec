// Two tabs of one browser profile at once, as happens when a clerk opens the page twice:
// recording the same files records each once (the other tab says so), and a restore in one
// tab while the other records completes, both kept. From the USB stick (file://).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { singleFileOnStick, openProfile, freshProfileDir, ROOT } from './support.mjs';
import { chooseFilesToRecord, openPlace, setUpOffice, exportBackup, storedEntries, chooseStaff } from './ledger_steps.mjs';

let stick;
let month;
const cleanups = [];

before(async () => {
  stick = await singleFileOnStick();
  const dir = await mkdtemp(path.join(tmpdir(), 'two-tabs-e2e-'));
  cleanups.push(dir);
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_office_month', '--', dir], { cwd: ROOT });
  const folder = path.join(dir, 'real-size');
  month = (await readdir(folder)).sort().map((n) => path.join(folder, n));
});

after(async () => {
  await stick?.cleanup();
  for (const d of cleanups) await rm(d, { recursive: true, force: true });
});

const kinds = async (page) => {
  const entries = (await storedEntries(page)).map((j) => JSON.parse(j));
  const exchanges = entries.filter((e) => e.kind === 'sent' || e.kind === 'received');
  return {
    exchanges: exchanges.length,
    distinct: new Set(exchanges.map((e) => `${e.subject.file.sha256} ${e.subject.file.name}`)).size,
    checks: entries.filter((e) => e.kind === 'check_result').length,
    restored: entries.filter((e) => e.kind === 'backup_restored').length,
  };
};

test('two tabs recording the same 32 files at once record each file once', async () => {
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { context, page: a, close } = await openProfile(profile, stick.url);
  try {
    await setUpOffice(a);
    const b = await context.newPage();
    await b.goto(stick.url);
    await chooseStaff(b, '佐藤 花子');
    const files = month.slice(0, 32);
    const [pa, pb] = [await chooseFilesToRecord(a, files), await chooseFilesToRecord(b, files)];
    assert.equal(pa.ticked, pb.ticked);
    await Promise.all([pa.button.click(), pb.button.click()]);
    const said = await Promise.all([pa, pb].map(async ({ panel }) => {
      const status = panel.getByText(/^(保存しました|ほかのタブ)/);
      await status.waitFor({ timeout: 60_000 });
      return status.innerText();
    }));
    const counts = await kinds(a);
    assert.equal(counts.exchanges, pa.ticked, `each file once: ${JSON.stringify(counts)} ${said}`);
    assert.equal(counts.distinct, pa.ticked);
    assert.equal(counts.checks, pa.ticked, 'every file has its チェック結果, once');
    // One tab saved them; the other says they were already recorded, in words.
    assert.equal(said.filter((s) => s.startsWith('保存しました')).length, 1, said.join(' / '));
    assert.ok(said.some((s) => s.includes('すでに記録されていました')), said.join(' / '));
  } finally {
    await close();
  }
});

test('a restore in one tab while the other records completes, and both are kept', async () => {
  // Another PC of the office records 8 other files and backs up.
  const other = await freshProfileDir();
  cleanups.push(other);
  const backupDir = await mkdtemp(path.join(tmpdir(), 'two-tabs-backup-'));
  cleanups.push(backupDir);
  const backup = path.join(backupDir, 'other-pc.json');
  let otherTicked;
  {
    const { page, close } = await openProfile(other, stick.url);
    try {
      await setUpOffice(page);
      const p = await chooseFilesToRecord(page, month.slice(40, 48));
      otherTicked = p.ticked;
      await p.button.click();
      await p.panel.getByText(/^保存しました/).waitFor({ timeout: 60_000 });
      await exportBackup(page, '佐藤 花子', backup);
    } finally {
      await close();
    }
  }
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { context, page: a, close } = await openProfile(profile, stick.url);
  try {
    await setUpOffice(a);
    const b = await context.newPage();
    await b.goto(stick.url);
    await chooseStaff(b, '佐藤 花子');
    // The ledger already holds this PC's records: the restore merges and is recorded.
    const earlier = await chooseFilesToRecord(a, month.slice(32, 36));
    await earlier.button.click();
    await earlier.panel.getByText(/^保存しました/).waitFor({ timeout: 60_000 });
    await b.reload();
    const pa = await chooseFilesToRecord(a, month.slice(0, 32));
    // Tab B has the backup checked and ready when tab A starts recording.
    await openPlace(b, 'バックアップ・台帳フォルダ');
    await b.getByLabel('バックアップから復元', { exact: true }).setInputFiles(backup);
    const status = b.getByTestId('restore-status');
    await status.filter({ hasText: 'バックアップは正常です' }).waitFor({ timeout: 60_000 });
    await Promise.all([pa.button.click(), b.getByRole('button', { name: '復元する' }).click()]);
    await pa.panel.getByText(/^保存しました/).waitFor({ timeout: 60_000 });
    await status.filter({ hasText: /^復元しました/ }).waitFor({ timeout: 60_000 });
    const counts = await kinds(a);
    const all = earlier.ticked + pa.ticked + otherTicked;
    assert.equal(counts.exchanges, all, JSON.stringify(counts));
    assert.equal(counts.checks, all);
    assert.equal(counts.restored, 1, 'the restore is recorded once');
  } finally {
    await close();
  }
});
