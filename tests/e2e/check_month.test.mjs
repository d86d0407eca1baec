// A clerk checks a whole month on the office screen (1366×768), from the USB stick (file://):
// 20 files of 4 partners (`cargo run --example write_office_month`, folder `office/`), one
// bad 予定 file and one missed visit. What matters comes first: every file's status row on
// the first screen, the bad file's findings one click away, the clients with differences
// before the clean ones; and axe-core finds nothing at WCAG 2.2 AA in each state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useBrowserAndPage, openPage, expectNoAxeViolations, OFFICE_SCREEN, ROOT } from './support.mjs';

const env = useBrowserAndPage();
let dir;
let files;
/** The office's month at its real size (`real-size/`): 246 clean files. */
let monthFiles;

/** The 通所リハビリテーション 第6表 予定 with an impossible 作成年月日. */
const BAD = 'UPPLAN_202505_1310000001_43_1310000005_16_20250425093000.CSV';
/** The 訪問介護 予定 whose visit of 2025-05-01 is missing from the 実績. */
const MISSED = 'UPPLAN_202505_1310000001_43_1310000002_11_20250425093000.CSV';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'check-month-e2e-'));
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_office_month', '--', dir], { cwd: ROOT });
  const names = await readdir(path.join(dir, 'office'));
  files = names.map((n) => path.join(dir, 'office', n));
  monthFiles = (await readdir(path.join(dir, 'real-size'))).sort().map((n) => path.join(dir, 'real-size', n));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the single file at 1366×768 (axe may be injected) and checks the month's files. */
async function checkTheMonth() {
  const opened = await openPage(env.browser, env.stick.url, { bypassCSP: true, viewport: OFFICE_SCREEN });
  const { page } = opened;
  await expectNoAxeViolations(page, 'the empty check page');
  await page.getByLabel('ファイルを選ぶ').setInputFiles(files);
  // The end of the check is announced, and focus goes to the result.
  await page.getByRole('status').filter({ hasText: '点検が終わりました' }).waitFor({ timeout: 60_000 });
  return opened;
}

const fileTable = (page) => page.getByRole('table', { name: /ファイルごとの結果/ });

test('after checking a month the first screen shows every file\'s status row, worst first', async () => {
  const { page, context, problems } = await checkTheMonth();
  try {
    assert.equal(files.length, 20);
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(focused, '点検結果', 'focus is on the result heading');
    await page.getByText('20件のファイル: エラー 1件、注意 1件、問題なし 18件', { exact: true }).waitFor();

    const rows = fileTable(page).getByRole('row');
    assert.equal(await rows.count(), 1 + files.length);
    for (let i = 0; i < files.length + 1; i++) {
      const box = await rows.nth(i).boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= OFFICE_SCREEN.height,
        `row ${i} is on the first screen: ${JSON.stringify(box)}`);
    }
    const first = await rows.nth(1).innerText();
    assert.match(first, /エラー/);
    assert.match(first, new RegExp(BAD.replace(/\./g, '\\.')));
    assert.match(first, /第6表（サービス利用票）予定/);
    assert.match(first, /2025年5月/);
    assert.match(first, /1310000005/);
    const second = await rows.nth(2).innerText();
    assert.match(second, /注意/);
    assert.match(second, /訪問介護/);
    assert.equal(await fileTable(page).getByRole('row').filter({ hasText: '問題なし' }).count(), 18);

    await expectNoAxeViolations(page, 'after checking a month of files');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the bad file\'s findings are one click away, named in words', async () => {
  const { page, context, problems } = await checkTheMonth();
  try {
    await fileTable(page).getByRole('button', { name: BAD }).click();
    const card = page.getByRole('article', { name: BAD });
    const findings = card.getByRole('table', { name: '指摘の一覧' });
    const row = findings.getByRole('row').filter({ hasText: '作成年月日' });
    await row.waitFor();
    const box = await row.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= OFFICE_SCREEN.height, `the finding is on screen: ${JSON.stringify(box)}`);
    assert.match(await row.innerText(), /存在しない日付/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), BAD, 'focus is on the file');
    // Codes and byte positions wait behind 「詳しい情報」.
    assert.doesNotMatch(await row.innerText(), /FIELD_DATE|バイト目/);
    await row.getByText('詳しい情報').click();
    await row.getByText(/FIELD_DATE/).waitFor();

    await expectNoAxeViolations(page, 'a file\'s findings opened');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('予定↔実績 shows the client with a difference by name first and folds the clean ones', async () => {
  const { page, context, problems } = await checkTheMonth();
  try {
    const region = page.getByRole('region', { name: '予定と実績の突合' });
    await region.getByText('違いのある利用者: 1人').waitFor();
    const missed = region.getByRole('article', { name: /^濵田 正男 様/ });
    await missed.waitFor();
    const calendar = missed.getByRole('table', { name: /日別の予定と実績/ });
    // A 利用票's head: the 曜日 row (2025-05-01 was a Thursday), 31 days, then the totals.
    const head = await calendar.locator('thead').innerText();
    assert.match(head.replace(/\s+/g, ''), /^事業所・サービス1234.*3031予定実績木金土日月/);
    const line = calendar.getByRole('row').filter({ hasText: '訪問介護 111111' });
    assert.match(await line.innerText(), /1310000002/);
    assert.equal(await line.getByRole('cell', { name: /^1日: 予定あり・実績なし/ }).innerText(), '×');
    // The whole month fits the office screen's width: no scrolling for the totals.
    const scroller = missed.getByRole('region');
    assert.ok(await scroller.evaluate((e) => e.scrollWidth <= e.clientWidth), 'the calendar is not cut off');
    const totals = await line.getByRole('cell').last().boundingBox();
    assert.ok(totals.x + totals.width <= OFFICE_SCREEN.width, `the totals are visible: ${JSON.stringify(totals)}`);

    // The other 29 clients are one line, which opens.
    const folded = region.getByText('違いなし: 29人');
    await folded.click();
    assert.equal(await region.getByRole('article').count(), 30);

    // The finding across files names the client and the file to look at first.
    const cross = page.getByRole('region', { name: 'ファイルをまたいだ指摘' });
    const row = cross.getByRole('row').filter({ hasText: '濵田 正男 様' }).first();
    const cells = row.getByRole('cell');
    assert.equal(await cells.nth(3).innerText(), MISSED);
    assert.match(await cells.nth(4).innerText(), /UPJSK_202505_1310000002/);
    // The 予定 file's own section lists it too.
    const card = page.getByRole('article', { name: MISSED });
    assert.match(await card.innerText(), /濵田 正男 様/);

    await expectNoAxeViolations(page, 'the calendars opened');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('keyboard: the skip link leads to the content; at 200% zoom nothing is cut off', async () => {
  const zoomed = { width: OFFICE_SCREEN.width / 2, height: OFFICE_SCREEN.height / 2 };
  const { page, context, problems } = await openPage(env.browser, env.stick.url, { bypassCSP: true, viewport: zoomed });
  try {
    await page.getByLabel('ファイルを選ぶ').waitFor({ state: 'attached' });
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: '本文へ移動' });
    assert.equal(await skip.evaluate((e) => e === document.activeElement), true, 'the first Tab reaches the skip link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

    await page.getByLabel('ファイルを選ぶ').setInputFiles(files);
    await page.getByRole('status').filter({ hasText: '点検が終わりました' }).waitFor({ timeout: 60_000 });
    // Wide tables scroll inside their own labelled region; the page itself never sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
    const table = page.getByRole('region', { name: 'ファイルごとの結果の表' });
    assert.equal(await table.getAttribute('tabindex'), '0', 'a keyboard can scroll it');
    await expectNoAxeViolations(page, 'after checking, at 200% zoom');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a month at its real size: every file\'s row, the sections 50 a page, a row turns to its file\'s page', async () => {
  const { page, context, problems } = await openPage(env.browser, env.stick.url, { bypassCSP: true, viewport: OFFICE_SCREEN });
  try {
    assert.equal(monthFiles.length, 246);
    await page.getByLabel('ファイルを選ぶ').setInputFiles(monthFiles);
    await page.getByRole('status').filter({ hasText: '点検が終わりました' }).waitFor({ timeout: 60_000 });
    await page.getByText('246件のファイル: 問題なし 246件', { exact: true }).waitFor();
    assert.equal(await fileTable(page).getByRole('row').count(), 1 + 246);
    assert.equal(await page.locator('.file-card').count(), 50, 'one page of sections');
    await page.getByText('ファイル 1〜50件目(全246件)').first().waitFor();

    // The last row's file is on the last page: its button turns there and focuses it.
    const last = fileTable(page).getByRole('row').last();
    const name = await last.getByRole('button').innerText();
    await last.getByRole('button').click();
    await page.getByText('ファイル 201〜246件目(全246件)').first().waitFor();
    assert.equal(await page.locator('.file-card').count(), 46);
    await page.getByRole('article', { name }).waitFor();
    await page.waitForFunction((n) => document.activeElement?.textContent === n, name);
    await page.getByRole('button', { name: '前の50件' }).first().click();
    await page.getByText('ファイル 151〜200件目(全246件)').first().waitFor();

    const region = page.getByRole('region', { name: '予定と実績の突合' });
    await region.getByText('違いのある利用者: 0人').waitFor();
    await expectNoAxeViolations(page, 'a month of 246 files checked');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
