// Shared set-up for the end-to-end tests: the built page (dist/), a tiny static server on
// 127.0.0.1 only, and Debian's headless Chromium driven by playwright-core.
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, mkdtemp, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const SINGLE_FILE = path.join(DIST, 'careplan-ledger.html');

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Registers before/after hooks that start one browser, the localhost server of dist/ and the
 * single file copied alone onto a "USB stick" folder, for every test of a file. Returns an
 * object whose `browser`, `server` and `stick` are set once the hooks have run.
 */
export function useBrowserAndPage() {
  const env = {};
  before(async () => {
    env.browser = await launchBrowser();
    env.server = await serveDist();
    env.stick = await singleFileOnStick();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    await env.stick?.cleanup();
  });
  return env;
}

/** Serves dist/ on 127.0.0.1 at a free port. Returns { url, close }. */
export async function serveDist() {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(DIST, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(DIST)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Copies the single file (`page`: another build of it, for a benchmark) ALONE into a fresh
 * folder, as onto a USB stick.
 */
export async function singleFileOnStick(page = SINGLE_FILE) {
  const dir = await mkdtemp(path.join(tmpdir(), 'usb-stick-'));
  const target = path.join(dir, 'careplan-ledger.html');
  await copyFile(page, target);
  return { url: pathToFileURL(target).href, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Opens a page and records everything it asks the network for, every script error and every
 * Content-Security-Policy violation, so a test can assert there were none. `bypassCSP` lets
 * the test (never the page) inject axe-core; `viewport` is e.g. the office screen, 1366×768.
 */
export async function openPage(browser, url, { bypassCSP = false, viewport } = {}) {
  const context = await browser.newContext({ locale: 'ja-JP', bypassCSP, ...(viewport ? { viewport } : {}) });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(url);
  return { page, context, requests, problems };
}

/** An in-memory file for `setInputFiles`, with its expected fingerprint. */
export function memoryFile(name, text) {
  const buffer = Buffer.from(text, 'utf8');
  return { name, mimeType: 'text/csv', buffer, sha256: sha256(buffer) };
}

/**
 * A browser profile kept in a folder, so a reload (or a second launch) sees the same
 * IndexedDB, like an office PC. `extraArgs` go to Chromium; `bypassCSP` and `viewport` as for
 * `openPage`. Returns { context, page, problems, close }.
 */
export async function openProfile(dir, url, { extraArgs = [], bypassCSP = false, viewport } = {}) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs], locale: 'ja-JP', acceptDownloads: true,
    bypassCSP, ...(viewport ? { viewport } : {}),
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(url);
  return { context, page, problems, close: () => context.close() };
}

/** A fresh, empty folder for a browser profile. */
export async function freshProfileDir() {
  return mkdtemp(path.join(tmpdir(), 'profile-'));
}

let generatedFixtures;
/**
 * The repo's generated, spec-conformant fixtures (`cargo run --example write_fixtures`), written
 * once per test run into a temporary folder. Returns the folder with `valid/` and `bad/`.
 */
export async function generatedFixtureDir() {
  if (!generatedFixtures) {
    const { execFileSync } = await import('node:child_process');
    const out = await mkdtemp(path.join(tmpdir(), 'fixtures-'));
    execFileSync('cargo', ['run', '--quiet', '--example', 'write_fixtures', '--', out], { cwd: ROOT, stdio: 'ignore' });
    generatedFixtures = out;
  }
  return generatedFixtures;
}

/**
 * Every file under the folder `name` of the page's private file system, as
 * `{ 'a/b/c': base64 }` (the office folder's stand-in in the tests and benchmarks).
 */
export async function readOpfsFolder(page, name) {
  return page.evaluate(async (name) => {
    const out = {};
    const walk = async (dir, prefix) => {
      for await (const [entryName, handle] of dir.entries()) {
        const p = prefix ? `${prefix}/${entryName}` : entryName;
        if (handle.kind === 'directory') await walk(handle, p);
        else {
          const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
          let s = '';
          for (const b of bytes) s += String.fromCharCode(b);
          out[p] = btoa(s);
        }
      }
    };
    await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true }), '');
    return out;
  }, name);
}

/** Writes `{ 'a/b/c': base64 }` into the folder `name` (making sub-folders), as a file server would. */
export async function writeOpfsFolder(page, name, files) {
  for (const [p, b64] of Object.entries(files)) {
    await page.evaluate(async ({ name, p, b64 }) => {
      const parts = p.split('/');
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const w = await (await dir.getFileHandle(parts.at(-1), { create: true })).createWritable();
      await w.write(bytes);
      await w.close();
    }, { name, p, b64 });
  }
}

/** The office screen the page is designed for. */
export const OFFICE_SCREEN = { width: 1366, height: 768 };

/** The WCAG 2.2 AA rule sets of axe-core. */
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let axeSource;
/**
 * Runs axe-core (WCAG 2.2 AA) on the page as it is now and fails with every violation listed
 * (rule, impact, the first elements) under `label`, the screen state being checked. The page
 * must come from a context opened with `bypassCSP: true`: axe is injected by the test, and the
 * page's own CSP, which admits only its one inline script, stays as strict as it ships.
 */
export async function expectNoAxeViolations(page, label) {
  axeSource ??= await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ content: axeSource });
  }
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    throw new Error(`${label}: axe-core could not be injected; open the page with { bypassCSP: true }`);
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_22_AA,
  );
  const lines = result.violations.map((v) => {
    const nodes = v.nodes.slice(0, 3).map((n) => `    ${n.target.join(' ')}: ${n.html.slice(0, 120)}`).join('\n');
    return `  ${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help}\n${nodes}`;
  });
  if (lines.length > 0) {
    throw new Error(`${label}: ${result.violations.length} axe-core violation(s) at WCAG 2.2 AA\n${lines.join('\n')}`);
  }
}
