// A clerk's month in the ledger, as a user acts (roles and labels), from the USB stick
// (file://) at 1366×768: 本日の担当者 chosen once serves every form and survives a reload;
// the 20 files of 4 partners are recorded by typing 4 partner names; the file with an error is
// left out by default; 取込 of the whole batch is one step; the ledger's places are reached by
// keyboard and the back button; the inspection sheet is at most 3 actions from the start
// screen after choosing the client; clients are in 五十音 order and found by かな; axe-core
// finds nothing at WCAG 2.2 AA on each place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  singleFileOnStick, openProfile, freshProfileDir, expectNoAxeViolations, OFFICE_SCREEN, ROOT,
} from './support.mjs';
import { region, openCheck, openPlace, setUpOffice, storedEntries } from './ledger_steps.mjs';

let stick;
let dir;
let files;
const cleanups = [];

/** The 通所リハビリテーション 第6表 予定 with an impossible 作成年月日. */
const BAD = 'UPPLAN_202505_1310000001_43_1310000005_16_20250425093000.CSV';
const PARTNERS = {
  '1310000002': 'ひまわり訪問介護',
  '1310000003': 'あおぞらデイサービス',
  '1310000004': 'みどり訪問看護ステーション',
  '1310000005': 'さくら通所リハビリ',
};

before(async () => {
  stick = await singleFileOnStick();
  dir = await mkdtemp(path.join(tmpdir(), 'record-month-e2e-'));
  cleanups.push(dir);
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'write_office_month', '--', dir], { cwd: ROOT });
  files = (await readdir(path.join(dir, 'office'))).map((n) => path.join(dir, 'office', n));
});

after(async () => {
  await stick?.cleanup();
  for (const d of cleanups) await rm(d, { recursive: true, force: true });
});

test('a month recorded and looked up the way the office works', async () => {
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { page, problems, close } = await openProfile(profile, stick.url, { bypassCSP: true, viewport: OFFICE_SCREEN });
  try {
    // 本日の担当者: chosen once (setUpOffice), still chosen after a reload.
    await setUpOffice(page);
    await page.reload();
    const staff = page.getByLabel('本日の担当者');
    await staff.waitFor();
    // Once the ledger has loaded (the picker fills when the staff list arrives).
    await page.getByRole('heading', { name: '利用者', exact: true }).waitFor();
    await page.waitForFunction(() => document.getElementById('today-staff')?.value === '佐藤 花子', null, { timeout: 5000 })
      .catch(() => {});
    assert.equal(await staff.inputValue(), '佐藤 花子');

    // The month's files.
    await openCheck(page);
    await page.getByLabel('ファイルを選ぶ', { exact: true }).setInputFiles(files);
    await page.getByRole('status').filter({ hasText: '点検が終わりました' }).waitFor({ timeout: 60_000 });
    const panel = region(page, '台帳に記録');
    await panel.waitFor();
    assert.equal(files.length, 20);

    // The file with an error is left out, with the reason; the other 19 are ticked.
    const bad = panel.getByLabel(`${BAD} を記録する`);
    assert.equal(await bad.isChecked(), false);
    await panel.getByText(/エラーが\d+件あるため外してあります/).waitFor();
    const ticks = panel.getByRole('checkbox');
    assert.equal(await ticks.count(), 20);
    let ticked = 0;
    for (let i = 0; i < 20; i += 1) if (await ticks.nth(i).isChecked()) ticked += 1;
    assert.equal(ticked, 19);

    // Each partner's name is asked once: 4 fields for 19 files.
    const names = panel.getByRole('table', { name: '相手先の事業所名(事業所ごとに1回)' }).getByRole('textbox');
    assert.equal(await names.count(), 4);
    let typed = 0;
    for (const [office, name] of Object.entries(PARTNERS)) {
      await panel.getByLabel(`${office} の事業所名`).fill(name);
      typed += 1;
    }
    assert.equal(typed, 4);
    await expectNoAxeViolations(page, 'the record panel of a month');
    await panel.getByRole('button', { name: '台帳に記録(19件)' }).click();
    await panel.getByText('保存しました(ファイル19件、記録38件)').waitFor();
    // The batch is recorded under 本日の担当者; no form asked for a 記録者.
    let entries = (await storedEntries(page)).map((j) => JSON.parse(j));
    assert.equal(entries.filter((e) => e.kind === 'sent' || e.kind === 'received').length, 19);
    assert.ok(entries.filter((e) => e.kind !== 'device_named').every((e) => e.actor === '佐藤 花子'));

    // 取込 of the whole batch in one step.
    await openPlace(page, '記録を追加');
    const events = region(page, 'あとからの記録を追加');
    await events.getByLabel('記録の種類').selectOption({ label: '介護ソフトへ取込完了' });
    const batch = await events.getByLabel('対象のファイル').locator('optgroup[label^="まとめて"] option', { hasText: /19件/ }).first().getAttribute('value');
    await events.getByLabel('対象のファイル').selectOption(batch);
    await events.getByRole('button', { name: 'この記録を追加' }).click();
    await events.getByText('保存しました(ファイル19件)').waitFor();
    entries = (await storedEntries(page)).map((j) => JSON.parse(j));
    assert.equal(entries.filter((e) => e.kind === 'imported').length, 19);
    await expectNoAxeViolations(page, 'the ledger: 記録を追加');

    // The places by keyboard: Tab to 記録一覧 in the menu, Enter; focus is on its heading.
    const menuLink = page.getByRole('navigation', { name: '台帳の中の場所' }).getByRole('link', { name: '記録一覧' });
    await menuLink.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H3' && document.activeElement.textContent === '記録一覧');
    const list = region(page, '記録一覧');
    // One row per act: the 19 files' 送信, 19 取込 and the 端末の登録, 50 a page.
    await list.getByText('記録 39件(新しい順)').waitFor();
    await expectNoAxeViolations(page, 'the ledger: 記録一覧');
    // The browser's back button goes back to 記録を追加.
    await page.goBack();
    await page.waitForFunction(() => document.activeElement?.textContent === 'あとからの記録を追加');
    assert.ok(await region(page, 'あとからの記録を追加').isVisible());

    // The other places, each without an axe finding.
    for (const place of ['バックアップ・台帳フォルダ', '設定', '利用者']) {
      await openPlace(page, place);
      await expectNoAxeViolations(page, `the ledger: ${place}`);
    }

    // 利用者 in 五十音 order, found by かな.
    const clients = page.locator('.client-button .client-name');
    const shown = await clients.allInnerTexts();
    assert.equal(shown.length, 30);
    assert.equal(shown[0], '阿部 光子 様');
    assert.equal(shown[1], '池田 治子 様');
    assert.equal(shown.at(-1), '渡辺 和子 様');
    await page.getByLabel('氏名・ふりがな・被保険者番号で探す').fill('はまだ');
    assert.deepEqual(await clients.allInnerTexts(), ['濵田 正男 様']);

    // The inspection sheet from the start screen: 運営指導 (1), the client (choosing), the
    // print place (2), 印刷 (3).
    await openCheck(page);
    let actions = 0;
    await page.getByRole('link', { name: '運営指導(利用者を探して印刷)' }).click();
    actions += 1;
    await page.getByLabel('氏名・ふりがな・被保険者番号で探す').fill('ﾊﾏﾀﾞ');
    await page.getByRole('button', { name: /濵田 正男 様/ }).click();
    await page.getByRole('heading', { name: '濵田 正男 様' }).waitFor();
    await expectNoAxeViolations(page, 'the ledger: a client');
    await page.getByRole('link', { name: 'この利用者の運営指導の印刷' }).click();
    actions += 1;
    const sheet = page.getByRole('article', { name: '運営指導用の記録' });
    await sheet.waitFor();
    assert.match(await sheet.innerText(), /濵田 正男 様/);
    await page.evaluate(() => { window.print = () => { window.printed = (window.printed ?? 0) + 1; }; });
    await page.getByRole('button', { name: '運営指導用の記録を印刷' }).click();
    actions += 1;
    await page.waitForFunction(() => window.printed === 1);
    assert.ok(actions <= 3, `${actions} actions`);
    await expectNoAxeViolations(page, 'the ledger: 運営指導の印刷');

    // At 200% zoom every place fits the window's width (wide tables scroll in their region).
    await page.setViewportSize({ width: OFFICE_SCREEN.width / 2, height: OFFICE_SCREEN.height / 2 });
    for (const place of ['運営指導の印刷', '利用者', '記録一覧', '記録を追加', 'バックアップ・台帳フォルダ', '設定']) {
      await openPlace(page, place);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `${place}: the page is ${overflow}px wider than the window`);
    }
    await expectNoAxeViolations(page, 'the ledger at 200% zoom');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
