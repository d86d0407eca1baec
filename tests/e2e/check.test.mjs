// Checking in the page, as a clerk does it: choose this month's files, see which are fine and
// exactly what to fix in the others, save the report. Fixtures come from the repo's generator
// (`cargo run --example write_fixtures`); the CLI's JSON for the same files is the reference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useBrowserAndPage, openPage, ROOT } from './support.mjs';

const env = useBrowserAndPage();
let dir;

const VALID = 'UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV';
const BAD = 'bad/insured_9_digits/UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV';
const LARGE = 'large/UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV';

const cargo = (...args) => execFileSync('cargo', ['run', '--quiet', '--release', ...args], { cwd: ROOT, maxBuffer: 1 << 28 });

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'check-e2e-'));
  cargo('--example', 'write_fixtures', '--', dir);
  execFileSync('mkdir', ['-p', path.join(dir, 'large')]);
  cargo('--example', 'write_large_upplan', '--', path.join(dir, LARGE), '20');
  cargo('--example', 'write_office_month', '--', path.join(dir, 'month'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The CLI's JSON document for these fixture paths (relative to the fixture folder). */
function cliReport(paths) {
  let out;
  try {
    out = execFileSync(path.join(ROOT, 'target/release/careplan-check'), ['--json', ...paths], { cwd: dir });
  } catch (error) {
    out = error.stdout; // exit 1 = errors found; the document is still printed
  }
  return JSON.parse(out.toString('utf8'));
}

const fileCard = (page, name) => page.getByRole('article', { name });

for (const way of ['http', 'file']) {
  test(`from ${way === 'http' ? 'localhost' : 'file://'}: a valid file can be sent, a bad one says what to fix`, async () => {
    const { page, context, problems } = await openPage(env.browser, way === 'http' ? env.server.url : env.stick.url);
    try {
      // A 第6表 is sent with its 第7表 and 利用者補足情報 (one unit); alone its unit is incomplete.
      const unit = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((kind) => path.join(dir, 'month', 'clean', VALID.replace('UPPLAN', kind)));
      await page.getByLabel('ファイルを選ぶ').setInputFiles(unit);
      await fileCard(page, VALID).getByText('送信・取込できます').waitFor();
      await page.getByRole('button', { name: '画面から消す' }).click();

      await page.getByLabel('ファイルを選ぶ').setInputFiles(path.join(dir, BAD));
      const card = fileCard(page, path.basename(BAD));
      await card.getByText('エラーがあります').waitFor();
      const expected = cliReport([BAD]).files[0].findings.find((f) => f.code === 'FIELD_FORMAT');
      assert.equal(expected.field, '被保険者番号');
      const row = card.getByRole('row').filter({ hasText: expected.message });
      await row.waitFor();
      assert.match(await row.innerText(), /被保険者番号/);
      assert.match(await row.innerText(), /2行目|2件目/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the saved JSON is the CLI document for the same files; the CSV opens in Excel safely', async () => {
  const names = ['valid/' + VALID, BAD, 'bad/gaiji/' + (await firstIn('bad/gaiji'))];
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  try {
    await page.goto(env.stick.url);
    await page.getByLabel('ファイルを選ぶ').setInputFiles(names.map((n) => path.join(dir, n)));
    await page.getByText(`${names.length}件のファイル:`).waitFor();
    await page.waitForFunction(() => !document.querySelector('.progress')?.textContent);

    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSONで保存' }).click(),
    ]);
    const fromPage = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
    const fromCli = cliReport(names);
    // The page knows only file names; the CLI prints the paths it was given.
    for (const f of fromCli.files) f.path = path.basename(f.path);
    for (const c of fromCli.cross_file) c.files = c.files.map((p) => path.basename(p));
    assert.deepEqual(fromPage, fromCli);

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSVで保存', exact: true }).click(),
    ]);
    const csv = await readFile(await csvDownload.path());
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = csv.subarray(3).toString('utf8');
    assert.ok(text.startsWith('ファイル,重要度,コード'), text.slice(0, 80));
    assert.ok(text.includes('被保険者番号'));
  } finally {
    await context.close();
  }
});

test('formula-like and hostile file names stay inert: shown as text, neutralised in the CSV', async () => {
  const formula = '=HYPERLINK("http://example.invalid","x").CSV';
  const hostile = '<img src=x onerror=alert(1)>\u202Egpj.CSV';
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  try {
    await page.goto(env.stick.url);
    await page.getByLabel('ファイルを選ぶ').setInputFiles([
      { name: formula, mimeType: 'text/csv', buffer: Buffer.from('a,b\r\n') },
      { name: hostile, mimeType: 'text/csv', buffer: Buffer.from('a,b\r\n') },
    ]);
    // The direction override is written out, so the name reads as its bytes say.
    await fileCard(page, hostile.replace('\u202E', '〔U+202E〕')).getByText('エラーがあります').waitFor();
    assert.equal(await page.getByText('\u202E').count(), 0, 'the override itself is never shown');
    await page.getByText('画面に出ない文字〔U+202E〕が含まれています').first().waitFor();
    await fileCard(page, formula).getByText('エラーがあります').waitFor();
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(dialogs, []);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSVで保存', exact: true }).click(),
    ]);
    const text = (await readFile(await download.path())).subarray(3).toString('utf8');
    const cells = text.split('\r\n').slice(1).map((line) => line.split(',')[0]);
    assert.ok(cells.some((c) => c.startsWith(`"'=HYPERLINK`)), cells.join('\n'));
    assert.ok(!cells.some((c) => /^"?=/.test(c)), 'no cell starts with =');
  } finally {
    await context.close();
  }
});

// What this guards against is a freeze: checking 20 MB on the page's own thread blocks it for
// seconds. A single task of 200–330 ms at the end (drawing the result) was seen on this
// 2-core machine even with the page of 01671d5 (221 ms), so 200 ms made the test fail at
// random; 500 ms still fails any freeze a clerk would notice as one.
test('the page stays responsive while a 20 MB file is checked (no task over 500 ms)', async () => {
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
      }).observe({ type: 'longtask', buffered: false });
    });
    await page.getByLabel('ファイルを選ぶ').setInputFiles(path.join(dir, LARGE));
    await page.getByText('件のファイルを点検中です').waitFor();
    // Checked: its facts are shown (alone, its unit lacks the 第7表, which its row counts).
    await fileCard(page, path.basename(LARGE)).getByText('レコード数').waitFor({ timeout: 60_000 });
    const longTasks = await page.evaluate(() => window.__longTasks);
    assert.ok(longTasks.every((ms) => ms <= 500), `long tasks (ms): ${longTasks.join(', ')}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a whole folder chosen with 「フォルダを選ぶ」 is checked file by file, with folder paths', async () => {
  const { readdir } = await import('node:fs/promises');
  const names = await readdir(path.join(dir, 'valid'));
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    await page.getByLabel('フォルダを選ぶ').setInputFiles(path.join(dir, 'valid'));
    await page.getByText(`${names.length}件のファイル:`).waitFor();
    await page.waitForFunction(() => !document.querySelector('.progress')?.textContent);
    for (const name of names) {
      await fileCard(page, `valid/${name}`).waitFor();
    }
    // No file has an error of its own (findings across files, e.g. a unit without its
    // 第7表, count for the file that causes them in its status).
    assert.equal(await page.getByText(/指摘を見る\(エラー [1-9]/).count(), 0, 'generated valid files have no error');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a folder without CSV files says so; other files beside CSVs are left out and counted', async () => {
  const { writeFile, copyFile, readdir } = await import('node:fs/promises');
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  const notes = await mkdtemp(path.join(tmpdir(), 'no-csv-'));
  try {
    await writeFile(path.join(notes, 'メモ.txt'), 'メモ');
    await writeFile(path.join(notes, '計画書.pdf'), '%PDF-1.4');
    await page.getByLabel('フォルダを選ぶ').setInputFiles(notes);
    await page.getByRole('status').filter({ hasText: 'このフォルダにはCSVファイルがありません。' }).waitFor();
    assert.equal(await page.locator('.file-card').count(), 0, 'nothing to check');

    const valid = (await readdir(path.join(dir, 'valid')))[0];
    await copyFile(path.join(dir, 'valid', valid), path.join(notes, valid));
    await page.getByLabel('フォルダを選ぶ').setInputFiles(notes);
    await page.getByRole('status').filter({ hasText: 'フォルダの中のCSV以外のファイル2件は読み込みませんでした。' }).waitFor();
    await page.getByText('1件のファイル:').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await rm(notes, { recursive: true, force: true });
  }
});

test('a file of a CSVバージョン the spec does not know shows its own value, marked, as the CLI does', async () => {
  const file = 'bad/version_202410/UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV';
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    await page.getByLabel('ファイルを選ぶ').setInputFiles(path.join(dir, file));
    const card = fileCard(page, path.basename(file));
    await card.getByText('エラーがあります').waitFor();
    await card.getByText('202410（仕様にない値）').first().waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('binary junk named .CSV gets a clear Japanese message, not a crash', async () => {
  const junk = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
  const name = 'UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV';
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    await page.getByLabel('ファイルを選ぶ').setInputFiles({ name, mimeType: 'text/csv', buffer: junk });
    const card = fileCard(page, name);
    await card.getByText('エラーがあります').waitFor({ timeout: 30_000 });
    await card.getByText('指摘を見る').waitFor();
    assert.match(await card.innerText(), /文字コード|Shift_JIS|MS932|読め/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a month of 予定 and 実績: the calendar names the missed visit, a clean month shows none', async () => {
  const { readdir } = await import('node:fs/promises');
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    const chooseMonth = async (folder) => {
      const names = await readdir(path.join(dir, 'month', folder));
      await page.getByLabel('ファイルを選ぶ').setInputFiles(names.map((n) => path.join(dir, 'month', folder, n)));
      return names.length;
    };
    await chooseMonth('clean');
    const region = page.getByRole('region', { name: '予定と実績の突合' });
    await region.getByText('違い: 0件').waitFor();

    await page.getByRole('button', { name: '画面から消す' }).click();
    await chooseMonth('missed-visit');
    await region.getByText('違い: 1件').waitFor();
    const calendar = region.getByRole('article').filter({ hasText: '0000012345' }).first();
    const missed = calendar.getByRole('cell', { name: /^8日: 予定あり・実績なし/ });
    assert.equal(await missed.innerText(), '×');
    const difference = calendar.getByRole('row').filter({ hasText: '2025年5月8日(木)' });
    assert.match(await difference.innerText(), /実績なし/);
    // The same finding is in the cross-file list, naming the 予定 and 実績 files.
    const cross = page.getByRole('region', { name: 'ファイルをまたいだ指摘' });
    const row = cross.getByRole('row').filter({ hasText: '0000012345' }).filter({ hasText: /UPJSK_/ }).first();
    assert.match(await row.innerText(), /UPPLAN_/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('keyboard only: Tab reaches 「ファイルを選ぶ」 with a visible focus ring', async () => {
  const { page, context } = await openPage(env.browser, env.stick.url);
  try {
    await page.getByLabel('ファイルを選ぶ').waitFor({ state: 'attached' });
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.closest('label')?.textContent?.includes('ファイルを選ぶ') ?? false);
    }
    assert.ok(reached, 'the file picker is reachable by Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).outlineStyle);
    assert.notEqual(outline, 'none');
  } finally {
    await context.close();
  }
});

test('a 100 MB file is checked without a crash and gets its status', async () => {
  const big = path.join(dir, 'large', '100', path.basename(LARGE));
  execFileSync('mkdir', ['-p', path.dirname(big)]);
  cargo('--example', 'write_large_upplan', '--', big, '100');
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    await page.getByLabel('ファイルを選ぶ').setInputFiles(big);
    await fileCard(page, path.basename(big)).getByText('送信・取込できます').waitFor({ timeout: 120_000 });
    assert.match(await fileCard(page, path.basename(big)).innerText(), /(9\d|10\d)\.\d MB/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

async function firstIn(sub) {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(path.join(dir, sub)))[0];
}
