// Browser benchmark of the office ledger (a command, not a test):
//   `node tests/bench/browser_ledger.mjs [devices] [entries_per_device]` (after scripts/build.sh)
// Default 5 devices × 20,000 entries. In headless Chromium, with the single file opened from
// file:// (the office folder stand-in is the profile's private file system, which a file://
// page gets with --allow-file-access-from-files), it times every step issues 12 and 17 name:
//   1. a new PC joins by choosing the office folder holding every device's chain: read,
//      verify and merge them all and store them in IndexedDB (goal ≤ 2 s);
//   2. the same PC reopened: page load until the chain status says every entry is verified
//      (goal ≤ 2 s), with when the ledger was first shown and the load's stages;
//   3. a sync that finds nothing new (goal ≤ 100 ms);
//   4. filter by client (goal ≤ 50 ms) and 5. search by name (goal ≤ 100 ms), from the
//      change to the list's new count;
//   6. export a backup (goal ≤ 3 s): write, read back and verify, record it;
//   7. restore it into an empty browser (goal ≤ 5 s): read + verify, then apply;
// and the longest main-thread task of each (PerformanceObserver 'longtask', goal ≤ 200 ms).
// For a same-run baseline, it first runs the native `bench_ledger` on the same ledger and
// prints the page's time as a multiple of the native core's where both measure the same work.
// Figures are printed; nothing is asserted. BENCH_PROFILE=1 adds where each long step spends its time.
import { execFileSync } from 'node:child_process';
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, singleFileOnStick, writeOpfsFolder } from '../e2e/support.mjs';
import { openLedger, openPlace } from '../e2e/ledger_steps.mjs';

const DEVICES = Number(process.argv[2] ?? 5);
const PER_DEVICE = Number(process.argv[3] ?? 20000);
const FOLDER = '台帳フォルダ';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--allow-file-access-from-files',
];
const total = DEVICES * PER_DEVICE;

// The native core on the same ledger, same run.
const nativeText = execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_ledger', '--', String(total), String(DEVICES)], { cwd: ROOT, encoding: 'utf8' });
const native = {};
for (const line of nativeText.split('\n')) {
  const m = line.match(/^(.+?)\s+([\d.]+) ms/);
  if (m) native[m[1].trim()] = Number(m[2]);
}

const out = await mkdtemp(path.join(tmpdir(), 'bench-ledger-'));
execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_office_backup', '--', out, String(DEVICES), String(PER_DEVICE)], { cwd: ROOT, stdio: 'inherit' });

async function filesUnder(dir, prefix = '') {
  const found = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(found, await filesUnder(path.join(dir, entry.name), p));
    else found[p] = (await readFile(path.join(dir, entry.name))).toString('base64');
  }
  return found;
}
const folderFiles = await filesUnder(path.join(out, 'folder'));
const stick = await singleFileOnStick();

async function openPc() {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', args: ARGS, locale: 'ja-JP', acceptDownloads: true });
  await context.addInitScript((name) => {
    window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
    window.__longest = 0;
    // When the user clicked (the event's own time), so a step can be timed in the page from
    // the click to the page's mark, without the test's polling in between.
    window.__clickAt = NaN;
    addEventListener('click', (e) => { window.__clickAt = e.timeStamp; }, true);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  }, FOLDER);
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(180_000);
  await page.goto(stick.url);
  return { dir, context, page };
}

// BENCH_PROFILE=1: each step's CPU profile (Chrome DevTools protocol), the functions with the
// most time of their own printed under it, so a missed goal says where the time goes.
const PROFILE = process.env.BENCH_PROFILE === '1';
const cdp = new WeakMap();
async function profileStart(page) {
  if (!PROFILE) return;
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 500 });
  await session.send('Profiler.start');
  cdp.set(page, session);
}
async function profileStop(page, label, top = 14) {
  const session = cdp.get(page);
  if (!session) return;
  cdp.delete(page);
  const { profile } = await session.send('Profiler.stop');
  await session.detach();
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = f.functionName || `(${f.url.split('/').pop() || 'anonymous'})`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(`     profile of ${label}, most time of their own:`);
  const rows = [...self].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [n, t] of rows) console.log(`       ${ms(t).padStart(9)}  ${n.slice(0, 110)}`);
  if (process.env.BENCH_PROFILE_TREE) {
    // Time with the function anywhere on the stack, for the crate's own functions.
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const total = new Map();
    profile.samples.forEach((id, i) => {
      const seen = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) {
        const name = byId.get(n).callFrame.functionName;
        if (name.includes(process.env.BENCH_PROFILE_TREE) && !seen.has(name)) {
          seen.add(name);
          total.set(name, (total.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
        }
      }
    });
    console.log(`     with «${process.env.BENCH_PROFILE_TREE}» functions on the stack:`);
    for (const [n, t] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`       ${ms(t).padStart(9)}  ${n.slice(0, 140)}`);
  }
}

const longest = (page) => page.evaluate(() => { const l = window.__longest; window.__longest = 0; return l; });
const ms = (x) => (x === undefined || Number.isNaN(x) ? '—' : `${Math.round(x).toLocaleString('en')} ms`);
const rows = [];
function report(name, value, task, goal, nativeKey) {
  const base = nativeKey && Object.entries(native).find(([k]) => k.startsWith(nativeKey))?.[1];
  rows.push({ name, value, task, goal });
  console.log(
    `${name.padEnd(60)} ${ms(value).padStart(9)}${goal ? `  (goal ≤ ${ms(goal)}: ${value <= goal ? 'OK' : `MISSED by ${ms(value - goal)}`})` : ''}`
    + `${task === undefined ? '' : `   longest task ${ms(task).padStart(8)} ${task <= 200 ? '(≤ 200 ms OK)' : '(MISSED)'}`}`
    + `${base ? `   native ${ms(base)}, page ${(value / base).toFixed(1)}×` : ''}`,
  );
}
const verified = (page) => page.getByTestId('chain-status').filter({ hasText: `計${total}件のつながりを確認しました` }).waitFor();
const folderIdle = (page) => page.getByTestId('folder-status').and(page.locator('[data-busy=false]')).waitFor({ state: 'attached' });

// Changes a control of the entry list in the page and times until the list's count changes.
async function timeListChange(page, change) {
  return page.evaluate(async (change) => {
    const caption = () => [...document.querySelectorAll('caption')].find((c) => c.textContent.startsWith('記録 '));
    const before = caption()?.textContent;
    const control = document.getElementById(change.id);
    if (!control || before === undefined) return NaN;
    const done = new Promise((resolve) => {
      const seen = new MutationObserver(() => {
        if (caption()?.textContent !== before) { seen.disconnect(); resolve(performance.now()); }
      });
      seen.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    let value = change.value;
    if (change.option !== undefined) value = control.options[change.option].value;
    const t = performance.now();
    control.value = value;
    control.dispatchEvent(new Event(change.event, { bubbles: true }));
    return (await done) - t;
  }, change);
}

console.log(`${DEVICES} devices × ${PER_DEVICE} entries = ${total} in headless Chromium from file:// (native core alongside, same run)`);
const pc = await openPc();
try {
  const { page } = pc;
  // The office folder as the other PCs left it.
  await writeOpfsFolder(page, FOLDER, folderFiles);
  await openLedger(page);
  await page.getByRole('button', { name: '台帳フォルダを選ぶ' }).waitFor();
  await longest(page);
  await profileStart(page);
  let t = Date.now();
  await page.getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
  await verified(page);
  const joinMs = Date.now() - t;
  const clickAt = await page.evaluate(() => window.__clickAt);
  // The folder's status is shown in its place (drawn when visited).
  await openPlace(page, 'バックアップ・台帳フォルダ');
  await folderIdle(page);
  await profileStop(page, 'the join');
  t = Date.now() - joinMs;
  report('1. new PC joins: folder read, verified, merged, stored', Date.now() - t, await longest(page), 2000);
  const inPage = await page.evaluate((at) => (performance.getEntriesByName('ledger-verified').at(-1)?.startTime ?? NaN) - at, clickAt);
  report('   the same in the page: from the click to the ledger shown, verified', inPage, undefined, 2000);
  const last = await page.evaluate(() => Object.fromEntries(['sync-start', 'sync-read', 'sync-hashes', 'sync-new', 'sync-stored', 'ledger-read', 'ledger-parsed', 'ledger-shown', 'ledger-verified']
    .map((n) => [n, performance.getEntriesByName(n).at(-1)?.startTime])));
  if (last['sync-start'] !== undefined) {
    const d = (a, b) => ms(last[b] - last[a]);
    const before = last['sync-start'] - clickAt;
    console.log(`     stages: from the click to the sync (choose, remember the folder, take its settings) ${ms(before)}; read + check structure ${d('sync-start', 'sync-read')}; wait for the worker's hashes ${d('sync-read', 'sync-hashes')}; what is new ${d('sync-hashes', 'sync-new')}; store ${d('sync-new', 'sync-stored')}; until shown ${d('sync-stored', 'ledger-shown')}`);
  }

  t = Date.now();
  await page.reload();
  await openLedger(page);
  await verified(page);
  const wall = Date.now() - t;
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  const loadMs = Number(await page.getByTestId('chain-status').getAttribute('data-load-ms'));
  report('2. reopen: page load until every entry is verified', wall, await longest(page), 2000);
  if (marks['ledger-shown'] !== undefined) {
    report('   ledger shown (「確認中」), from page start', marks['ledger-shown']);
  }
  report('   read + assemble + verify (data-load-ms)', loadMs, undefined, undefined, 'open (parse + assemble + verify)');
  if (marks['ledger-read'] !== undefined) {
    const stage = (a, b) => marks[b] - marks[a];
    console.log(`     stages: IndexedDB read → ${ms(marks['ledger-read'])} from page start; parse ${ms(stage('ledger-read', 'ledger-parsed'))}; assemble ${ms(stage('ledger-parsed', 'ledger-assembled'))}; union ${ms(stage('ledger-assembled', 'ledger-shown'))}; until the worker's hashes ${ms(stage('ledger-shown', 'ledger-verified'))}`);
  }
  await openPlace(page, 'バックアップ・台帳フォルダ');
  await folderIdle(page);
  const syncs = [];
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: '最新の状態にする' }).click();
    await folderIdle(page);
    syncs.push(Number(await page.getByTestId('folder-status').getAttribute('data-sync-ms')));
  }
  syncs.sort((a, b) => a - b);
  report('3. a sync that finds nothing new (median of 5)', syncs[2], await longest(page), 100, 'merge that finds nothing new');

  // The list of the page as it is now (the entry list is being redesigned; if its controls
  // are not found, the step says so).
  await openPlace(page, '記録一覧');
  await page.waitForTimeout(500);
  await longest(page);
  const filterMs = await timeListChange(page, { id: 'view-client', option: 8, event: 'change' });
  report('4. filter by client (list count changes)', filterMs, await longest(page), 50, 'filter by client key');
  await timeListChange(page, { id: 'view-client', option: 0, event: 'change' });
  await page.waitForTimeout(300);
  await longest(page);
  const name = await page.evaluate(() => document.getElementById('view-client')?.options[8]?.textContent.split('(')[0].replace(/\s/g, ''));
  const searchMs = await timeListChange(page, { id: 'search-text', value: name ?? '', event: 'input' });
  report(`5. search by name (「${name}」)`, searchMs, await longest(page), 100, 'filter by user name');
  await timeListChange(page, { id: 'search-text', value: '', event: 'input' });
  await page.waitForTimeout(300);
  await longest(page);

  const actor = page.getByLabel('本日の担当者', { exact: true });
  if (await actor.count() > 0 && await actor.first().evaluate((e) => e.tagName === 'SELECT')) {
    const options = await actor.first().evaluate((e) => [...e.options].map((o) => o.value).filter(Boolean));
    if (options.length) await actor.first().selectOption(options[0]);
  }
  await openPlace(page, 'バックアップ・台帳フォルダ');
  await page.waitForTimeout(300);
  await longest(page);
  await profileStart(page);
  t = Date.now();
  await page.getByRole('button', { name: 'バックアップを書き出す' }).click();
  await page.getByTestId('export-status').filter({ hasText: /バックアップを書き出しました|書き出しませんでした|失敗|選んでください/ }).waitFor();
  const exportMs = Date.now() - t;
  await profileStop(page, 'the export');
  t = Date.now() - exportMs;
  const exportText = await page.getByTestId('export-status').textContent();
  report('6. export a backup (write, read back, verify, record)', exportText.includes('書き出しました') ? Date.now() - t : NaN, await longest(page), 3000, 'export backup');
  if (!exportText.includes('書き出しました')) console.log(`   export said: ${exportText}`);
} finally {
  await pc.context.close();
  await rm(pc.dir, { recursive: true, force: true });
}

const fresh = await openPc();
try {
  const { page } = fresh;
  await openLedger(page);
  await longest(page);
  await profileStart(page);
  let t = Date.now();
  await page.getByLabel('バックアップから復元', { exact: true }).setInputFiles(path.join(out, 'office-backup.json'));
  await page.getByTestId('restore-status').filter({ hasText: 'バックアップは正常です' }).waitFor();
  const readVerify = Date.now() - t;
  const task1 = await longest(page);
  await profileStop(page, 'the restore: read + verify');
  await profileStart(page);
  t = Date.now();
  await page.getByRole('button', { name: '復元する' }).click();
  await page.getByTestId('restore-status').filter({ hasText: '復元しました' }).waitFor();
  await verified(page);
  const apply = Date.now() - t;
  const task2 = await longest(page);
  await profileStop(page, 'the restore: apply');
  report('7. restore into an empty browser (read + verify + apply)', readVerify + apply, Math.max(task1, task2), 5000, 'import backup (verify + merge)');
  report('   read + verify', readVerify, task1);
  report('   apply (store every entry, reload until verified)', apply, task2);
} finally {
  await fresh.context.close();
  await rm(fresh.dir, { recursive: true, force: true });
  await stick.cleanup();
  await rm(out, { recursive: true, force: true });
}
const missed = rows.filter((r) => (r.goal && !(r.value <= r.goal)) || (r.task !== undefined && r.task > 200));
console.log(missed.length ? `missed: ${missed.map((r) => r.name.split(' ')[0]).join(' ')}` : 'every goal met');
