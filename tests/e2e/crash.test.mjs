// The browser killed (SIGKILL, the whole process group) at random moments while 「台帳に記録」
// writes 32 files and while a backup is restored into an empty browser. Every trial must
// reopen as the old state or the new one: no entry without its file, no file without its
// entries, no 受信/送信 without its チェック結果, no settings missing after a restore, and
// recording again completes. The stored data is read by a blank page of the same origin, so
// the app's own opening (which sweeps orphan bytes) cannot hide a half-written state.
//
// CRASH_TRIALS (default 20) trials of each; the kill moments are drawn from a fixed seed
// across 0–130 % of an uninterrupted run's time, and printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { singleFileOnStick, openProfile, freshProfileDir, ROOT } from './support.mjs';
import { chooseFilesToRecord, openLedger, openPlace, setUpOffice, exportBackup } from './ledger_steps.mjs';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 20);
const cleanups = [];
let stick;
let files;
let blankUrl;
let template;

/** A small pseudo-random sequence from a fixed seed (mulberry32), so a failing trial can be run again. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chromium on `profile`, started by us (so it can be killed), driven over CDP. */
async function launch(profile) {
  const child = spawn('/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--lang=ja-JP', 'about:blank',
  ], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const ws = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no DevTools address: ${seen}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${seen}`)));
  });
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? await context.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    page,
    kill: async () => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      await exited;
    },
    close: async () => {
      await browser.close().catch(() => {});
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await exited;
    },
  };
}

/** What IndexedDB holds, read by a blank page of the same origin (file://). */
async function storedState(page) {
  await page.goto(blankUrl);
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('careplan-ledger-evidence');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('chain_segments')) { db.close(); resolve({ entries: [], files: [], settings: null }); return; }
      const tx = db.transaction(['chain_segments', 'files', 'meta']);
      const out = {};
      tx.objectStore('chain_segments').getAll().onsuccess = (e) => {
        const seen = new Set();
        out.entries = [];
        for (const r of e.target.result) {
          for (const line of r.jsonl.split('\n')) {
            if (line && !seen.has(line)) { seen.add(line); out.entries.push(JSON.parse(line)); }
          }
        }
      };
      tx.objectStore('files').getAllKeys().onsuccess = (e) => { out.files = e.target.result; };
      tx.objectStore('meta').get('settings').onsuccess = (e) => { out.settings = e.target.result?.value ?? null; };
      tx.oncomplete = () => { db.close(); resolve(out); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

/** The state's counts, and what would be half-written in it. */
function judge(state) {
  const exchanges = state.entries.filter((e) => ['received', 'sent', 'deletion_received'].includes(e.kind));
  const checks = state.entries.filter((e) => e.kind === 'check_result');
  const named = new Set(state.entries.map((e) => e.subject?.file?.sha256).filter(Boolean));
  const kept = new Set(state.files);
  return {
    exchanges: exchanges.length,
    checks: checks.length,
    entries: state.entries.length,
    files: state.files.length,
    orphans: state.files.filter((f) => !named.has(f)).length,
    missingBytes: exchanges.filter((e) => !kept.has(e.subject.file.sha256)).length,
    unchecked: exchanges.filter((e) => !checks.some((c) => c.subject?.file?.sha256 === e.subject.file.sha256
      && c.subject.file.name === e.subject.file.name)).length,
    settings: state.settings !== null,
  };
}

/** Opens the page and prepares the 32 files' recording (the button is not clicked). */
async function prepareRecording(page) {
  await page.goto(stick.url);
  return chooseFilesToRecord(page, files);
}

before(async () => {
  stick = await singleFileOnStick();
  const dir = await mkdtemp(path.join(tmpdir(), 'crash-e2e-'));
  cleanups.push(dir);
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_office_month', '--', dir], { cwd: ROOT });
  const month = path.join(dir, 'real-size');
  files = (await readdir(month)).sort().slice(0, 32).map((n) => path.join(month, n));
  blankUrl = pathToFileURL(path.join(dir, 'blank.html')).href;
  await writeFile(path.join(dir, 'blank.html'), '<!doctype html><title>blank</title>');
  // One profile with the office set up, copied for every trial.
  template = await freshProfileDir();
  cleanups.push(template);
  const { page, close } = await openProfile(template, stick.url);
  await setUpOffice(page);
  await close();
});

after(async () => {
  await stick?.cleanup();
  for (const d of cleanups) await rm(d, { recursive: true, force: true });
});

async function trialProfile() {
  const dir = await freshProfileDir();
  cleanups.push(dir);
  await cp(template, dir, { recursive: true });
  return dir;
}

test(`killing the browser while recording 32 files leaves the old or the new state (${TRIALS} trials)`, async () => {
  // An uninterrupted run gives the time the kills are spread over.
  const clean = await launch(await trialProfile());
  let ticked;
  let took;
  try {
    const prepared = await prepareRecording(clean.page);
    ticked = prepared.ticked;
    const started = Date.now();
    await prepared.button.click();
    await prepared.panel.getByText(/^保存しました/).waitFor({ timeout: 60_000 });
    took = Date.now() - started;
    const done = judge(await storedState(clean.page));
    assert.equal(done.exchanges, ticked);
  } finally {
    await clean.close();
  }
  assert.ok(ticked >= 24, `most of the 32 files are ticked (${ticked})`);
  const next = random(20261202);
  const seen = { old: 0, new: 0 };
  const moments = [];
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const profile = await trialProfile();
    const r = next();
    const delay = Math.round(r * r * took * 1.3); // more kills early, where the write is
    moments.push(delay);
    const first = await launch(profile);
    const { button } = await prepareRecording(first.page);
    await button.click();
    await new Promise((r) => setTimeout(r, delay));
    await first.kill();

    const second = await launch(profile);
    try {
      const state = judge(await storedState(second.page));
      const label = `trial ${trial} (killed ${delay} ms after the click): ${JSON.stringify(state)}`;
      assert.ok(state.exchanges === 0 || state.exchanges === ticked, `old or new, never between: ${label}`);
      assert.equal(state.orphans, 0, `no file bytes without entries: ${label}`);
      assert.equal(state.missingBytes, 0, `no entry without its file: ${label}`);
      assert.equal(state.unchecked, 0, `every 受信/送信 has its チェック結果: ${label}`);
      seen[state.exchanges === 0 ? 'old' : 'new'] += 1;
      // Recording again completes: the files not yet recorded are offered and saved.
      if (state.exchanges === 0) {
        const again = await prepareRecording(second.page);
        assert.equal(again.ticked, ticked);
        await again.button.click();
        await again.panel.getByText(/^保存しました/).waitFor({ timeout: 60_000 });
      }
      const after = judge(await storedState(second.page));
      assert.equal(after.exchanges, ticked, label);
      assert.equal(after.checks, ticked, label);
    } finally {
      await second.close();
    }
  }
  console.log(`recording: ${TRIALS} kills at ${moments.join(', ')} ms (uninterrupted: ${took} ms): ${seen.old} old, ${seen.new} new`);
});

test(`killing the browser while restoring a backup into an empty browser leaves nothing or all of it (${TRIALS} trials)`, async () => {
  // The backup: the 32 files recorded and exported by the page itself.
  const source = await launch(await trialProfile());
  const backupDir = await mkdtemp(path.join(tmpdir(), 'crash-backup-'));
  cleanups.push(backupDir);
  const backup = path.join(backupDir, 'backup.json');
  let full;
  try {
    const { panel, button } = await prepareRecording(source.page);
    await button.click();
    await panel.getByText(/^保存しました/).waitFor({ timeout: 60_000 });
    await exportBackup(source.page, '佐藤 花子', backup);
    const header = JSON.parse(await readFile(backup, 'utf8')).header;
    full = { entries: header.entry_count, files: header.file_count };
  } finally {
    await source.close();
  }

  const restoreUntil = async (page, done) => {
    await page.goto(stick.url);
    await openLedger(page);
    await page.getByRole('heading', { name: 'はじめに: 事業所と職員を登録してください' }).waitFor();
    await page.getByLabel('バックアップから復元', { exact: true }).setInputFiles(backup);
    await page.getByTestId('restore-status').filter({ hasText: 'バックアップは正常です' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: '復元する' }).click();
    const clicked = Date.now();
    if (done) await page.getByTestId('restore-status').filter({ hasText: '復元しました' }).waitFor({ timeout: 60_000 });
    return Date.now() - clicked;
  };
  const clean = await launch(await freshProfileDir());
  let took;
  try {
    took = await restoreUntil(clean.page, true);
  } finally {
    await clean.close();
  }
  const next = random(18);
  const moments = [];
  const seen = { nothing: 0, all: 0 };
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const profile = await freshProfileDir();
    cleanups.push(profile);
    const first = await launch(profile);
    await restoreUntil(first.page, false);
    const r = next();
    const delay = Math.round(r * r * took * 1.3); // more kills early, where the write is
    moments.push(delay);
    await new Promise((r) => setTimeout(r, delay));
    await first.kill();

    const second = await launch(profile);
    try {
      const state = judge(await storedState(second.page));
      const label = `trial ${trial} (killed ${delay} ms after 復元する): ${JSON.stringify(state)}`;
      const nothing = state.entries === 0 && state.files === 0 && !state.settings;
      const all = state.entries === full.entries && state.files === full.files && state.settings;
      assert.ok(nothing || all, `nothing or all of it: ${label}`);
      assert.equal(state.orphans, 0, label);
      seen[nothing ? 'nothing' : 'all'] += 1;
      // The page opens on it: the restored ledger, or the first-run screen that offers the restore.
      await second.page.goto(stick.url);
      if (all) {
        await openPlace(second.page, '記録一覧');
        await second.page.getByText(/記録1〜\d+のつながりを確認しました|つながりを確認しました/).first().waitFor();
      } else {
        await openLedger(second.page);
        await second.page.getByRole('heading', { name: 'はじめに: 事業所と職員を登録してください' }).waitFor();
        assert.equal(await second.page.getByLabel('自事業所番号(半角数字10桁)').inputValue(), '');
      }
    } finally {
      await second.close();
    }
  }
  console.log(`restore: ${TRIALS} kills at ${moments.join(', ')} ms (uninterrupted: ${took} ms): ${seen.nothing} nothing, ${seen.all} all`);
});
