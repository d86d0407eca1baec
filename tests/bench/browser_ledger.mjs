// Browser benchmark of the office ledger (a command, not a test):
//   `node tests/bench/browser_ledger.mjs [devices] [entries_per_device]` (after scripts/build.sh)
// Default 5 devices × 20,000 entries. In headless Chromium, with the single file opened from
// file:// (the office folder stand-in is the profile's private file system, which a file://
// page gets with --allow-file-access-from-files), it times what a PC of the office does:
//   1. a new PC joins by choosing the office folder holding every device's chain: read,
//      verify and merge them all and store them in IndexedDB (open + verify + merge);
//   2. the same PC reopened: read and verify the whole office ledger from IndexedDB;
//   3. a sync that finds nothing new (goal ≤ 100 ms);
//   4. restoring the same ledger from a backup into an empty browser;
// and the longest main-thread task during each (PerformanceObserver 'longtask').
// Goal for 1 and 2: ≤ 2 s. Figures are printed; nothing is asserted.
import { execFileSync } from 'node:child_process';
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, singleFileOnStick, writeOpfsFolder } from '../e2e/support.mjs';

const DEVICES = Number(process.argv[2] ?? 5);
const PER_DEVICE = Number(process.argv[3] ?? 20000);
const FOLDER = '台帳フォルダ';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--allow-file-access-from-files',
];

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
const total = DEVICES * PER_DEVICE;

async function openPc() {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', args: ARGS, locale: 'ja-JP' });
  await context.addInitScript((name) => {
    window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  }, FOLDER);
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(stick.url);
  return { dir, context, page };
}

const longest = (page) => page.evaluate(() => { const l = window.__longest; window.__longest = 0; return l; });
const ms = (x) => `${Math.round(x).toLocaleString('en')} ms`;
const report = (name, value, task, goal) => console.log(
  `${name.padEnd(52)} ${ms(value).padStart(10)}   longest task ${ms(task).padStart(9)}${goal ? `   (goal ≤ ${ms(goal)}: ${value <= goal ? 'OK' : 'MISSED'})` : ''}`,
);

const pc = await openPc();
try {
  const { page } = pc;
  // The office folder as the other PCs left it.
  await writeOpfsFolder(page, FOLDER, folderFiles);
  await page.getByRole('button', { name: '証跡台帳', exact: true }).click();
  await page.getByRole('button', { name: '台帳フォルダを選ぶ' }).waitFor();
  await longest(page);
  let t = Date.now();
  await page.getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
  await page.getByTestId('chain-status').filter({ hasText: `計${total}件` }).waitFor();
  await page.getByTestId('folder-status').and(page.locator('[data-busy=false]')).waitFor();
  report(`1. new PC joins: folder of ${DEVICES}×${PER_DEVICE} read, verified, merged, stored`, Date.now() - t, await longest(page), 2000);

  t = Date.now();
  await page.reload();
  await page.getByRole('button', { name: '証跡台帳', exact: true }).click();
  await page.getByTestId('chain-status').filter({ hasText: `計${total}件` }).waitFor();
  const wall = Date.now() - t;
  const loadMs = Number(await page.getByTestId('chain-status').getAttribute('data-load-ms'));
  report('2. reopen: read + verify the office ledger (page load to status)', wall, await longest(page), 2000);
  report('   of which read + assemble + verify (data-load-ms)', loadMs, 0);
  await page.getByTestId('folder-status').and(page.locator('[data-busy=false]')).waitFor();

  const syncs = [];
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: '最新の状態にする' }).click();
    await page.getByTestId('folder-status').and(page.locator('[data-busy=false]')).waitFor();
    syncs.push(Number(await page.getByTestId('folder-status').getAttribute('data-sync-ms')));
  }
  syncs.sort((a, b) => a - b);
  report('3. a sync that finds nothing new (median of 5)', syncs[2], await longest(page), 100);
} finally {
  await pc.context.close();
  await rm(pc.dir, { recursive: true, force: true });
}

const fresh = await openPc();
try {
  const { page } = fresh;
  await page.getByRole('button', { name: '証跡台帳', exact: true }).click();
  await longest(page);
  let t = Date.now();
  await page.getByLabel('バックアップから復元', { exact: true }).setInputFiles(path.join(out, 'office-backup.json'));
  await page.getByTestId('restore-status').filter({ hasText: 'バックアップは正常です' }).waitFor();
  const readVerify = Date.now() - t;
  const task1 = await longest(page);
  t = Date.now();
  await page.getByRole('button', { name: '復元する' }).click();
  await page.getByTestId('restore-status').filter({ hasText: '復元しました' }).waitFor();
  await page.getByTestId('chain-status').filter({ hasText: `計${total}件` }).waitFor();
  report('4. restore a backup into an empty browser: read + verify', readVerify, task1);
  report('   apply (store every entry, reload)', Date.now() - t, await longest(page));
} finally {
  await fresh.context.close();
  await rm(fresh.dir, { recursive: true, force: true });
  await stick.cleanup();
  await rm(out, { recursive: true, force: true });
}
