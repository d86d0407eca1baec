// Browser benchmark (a command, not a test): `node tests/bench/browser_check.mjs`
// (after `scripts/build.sh`). In one headless-Chromium page opened from file://, times on the
// same generated 20 MB 第6表:
//   - our full check (wasm, the page's checker),
//   - our decode only (wasm, encoding_rs),
//   - TextDecoder('shift_jis') + PapaParse, parse only (the usual JS way; PapaParse is a
//     dev-only npm package injected for the benchmark, never shipped in the app),
// and prints MiB/s and ratios (goal: full check ≥ 6× TextDecoder+PapaParse). It also prints
// the single file's size and the time from navigation to an interactive drop zone (goal ≤ 0.5 s).
import { execFileSync } from 'node:child_process';
import { readFile, stat, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launchBrowser, singleFileOnStick, ROOT, SINGLE_FILE } from '../e2e/support.mjs';

const require = createRequire(import.meta.url);
const MB = Number(process.argv[2] ?? 20);
const RUNS = 5;

const dir = await mkdtemp(path.join(tmpdir(), 'bench-'));
const input = path.join(dir, 'large-UPPLAN.CSV');
execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_large_upplan', '--', input, String(MB)], { cwd: ROOT, stdio: 'inherit' });
const bytes = await readFile(input);
const papa = await readFile(require.resolve('papaparse/papaparse.min.js'), 'utf8');

const browser = await launchBrowser();
const stick = await singleFileOnStick();
try {
  // Time to an interactive drop zone, from a cold page, as a user double-clicking the file.
  const startup = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stick.url);
    await page.getByLabel('ファイルを選ぶ').waitFor({ state: 'attached' });
    startup.push(await page.evaluate(() => performance.now()));
    await context.close();
  }

  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(stick.url);
  await page.getByLabel('ファイルを選ぶ').waitFor({ state: 'attached' });
  await page.addScriptTag({ content: papa });
  const result = await page.evaluate(async ({ b64, runs }) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const best = (f) => {
      let min = Infinity;
      let out;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        out = f();
        min = Math.min(min, performance.now() - t);
      }
      return { ms: min, out };
    };
    const check = best(() => wasm_bindgen.careplanBenchCheck(data));
    const decode = best(() => wasm_bindgen.careplanBenchDecode(data));
    const sha256 = best(() => wasm_bindgen.careplanBenchSha256(data));
    const papaparse = best(() => {
      const text = new TextDecoder('shift_jis').decode(data);
      return Papa.parse(text, { header: false }).data.length;
    });
    return { check, decode, sha256, papaparse };
  }, { b64: bytes.toString('base64'), runs: RUNS });

  const mib = bytes.length / (1024 * 1024);
  const rate = (ms) => (mib / (ms / 1000)).toFixed(1);
  const single = (await stat(SINGLE_FILE)).size;
  const median = [...startup].sort((a, b) => a - b)[1];
  console.log(`input: ${mib.toFixed(1)} MiB 第6表, ${result.check.out} records (best of ${RUNS} runs each)`);
  console.log(`full check (wasm)            : ${rate(result.check.ms).padStart(7)} MiB/s  ${result.check.ms.toFixed(0)} ms`);
  console.log(`decode only (wasm)           : ${rate(result.decode.ms).padStart(7)} MiB/s  ${result.decode.ms.toFixed(0)} ms`);
  console.log(`SHA-256 only (part of check)  : ${rate(result.sha256.ms).padStart(7)} MiB/s  ${result.sha256.ms.toFixed(0)} ms`);
  console.log(`TextDecoder + PapaParse parse: ${rate(result.papaparse.ms).padStart(7)} MiB/s  ${result.papaparse.ms.toFixed(0)} ms (${result.papaparse.out} rows)`);
  console.log(`ratio full check / (TextDecoder+PapaParse): ${(result.papaparse.ms / result.check.ms).toFixed(2)}x  (goal ≥ 6x)`);
  console.log(`ratio full check / decode only           : ${(result.decode.ms / result.check.ms).toFixed(2)}`);
  console.log(`single file: ${single} bytes (${(single / 1048576).toFixed(2)} MiB; limit 2 MiB)`);
  console.log(`file:// navigation → interactive drop zone: median ${median.toFixed(0)} ms of [${startup.map((t) => t.toFixed(0)).join(', ')}] (goal ≤ 500 ms)`);
} finally {
  await browser.close();
  await stick.cleanup();
}
