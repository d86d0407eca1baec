// Inspection day (issue 13), from the single file on a USB stick: a client's history is
// recorded through the page with the real send dates (a plan in April with consent and
// delivery, May 利用票 to two providers, one replaced with a reason, one cancelled by a 削除
// file, 実績 received), then May is printed to PDF and its text read with pdftotext.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { singleFileOnStick, openProfile, freshProfileDir, ROOT, expectNoAxeViolations } from './support.mjs';
import { region, openCheck, openPlace, setUpOffice } from './ledger_steps.mjs';

let stick;
let history;
const cleanups = [];

const PARTNERS = { '1310000002': 'ひまわり訪問介護', '1310000003': 'あおぞらデイサービス' };

before(async () => {
  stick = await singleFileOnStick();
  const out = await mkdtemp(path.join(tmpdir(), 'history-'));
  cleanups.push(out);
  execFileSync('cargo', ['run', '--quiet', '--locked', '--example', 'write_office_month', '--', out], { cwd: ROOT, stdio: 'ignore' });
  history = path.join(out, 'history');
});

after(async () => {
  await stick?.cleanup();
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
});

/** Checks one step's files and records them as sent/received at `when` (Japan time). */
async function recordStep(page, step, when) {
  const dir = path.join(history, step);
  const files = (await readdir(dir)).sort();
  await page.reload();
  await openCheck(page);
  await page.getByLabel('ファイルを選ぶ', { exact: true }).setInputFiles(files.map((f) => path.join(dir, f)));
  const panel = region(page, '台帳に記録');
  await panel.waitFor();
  // Each partner's name once (known ones are filled in from the ledger already).
  for (const office of Object.keys(PARTNERS).filter((o) => files.some((f) => f.includes(`_${o}_`)))) {
    const name = panel.getByLabel(`${office} の事業所名`);
    await name.waitFor();
    await name.fill(PARTNERS[office]);
  }
  await panel.getByLabel('送信・受信した日時(ここに並ぶファイル全部)').fill(when);
  await panel.getByRole('button', { name: '台帳に記録' }).click();
  await panel.getByText(`保存しました(ファイル${files.length}件、記録${files.length * 2}件)`).waitFor();
}

async function addEvent(page, kind, fill) {
  await openPlace(page, '記録を追加');
  const events = region(page, 'あとからの記録を追加');
  await events.getByLabel('記録の種類').selectOption({ label: kind });
  await fill(events);
  await events.getByRole('button', { name: 'この記録を追加' }).click();
  await events.getByText('保存しました').waitFor();
}

function pdfText(file, page) {
  const args = page ? ['-f', `${page}`, '-l', `${page}`, file, '-'] : [file, '-'];
  return execFileSync('pdftotext', args, { encoding: 'utf8' });
}

function pdfPages(file) {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/Pages:\s+(\d+)/.exec(info)[1]);
}

test('the May sheet answers the inspector: plan in force, consent, delivery, versions, 取消, real send dates', async () => {
  const profile = await freshProfileDir();
  cleanups.push(profile);
  const { page, problems, close } = await openProfile(profile, stick.url, { bypassCSP: true });
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await setUpOffice(page);
    await recordStep(page, '1-plan', '2025-04-10T10:00');
    await recordStep(page, '2-may', '2025-04-25T10:00');
    await recordStep(page, '3-replace', '2025-05-10T09:30');
    await recordStep(page, '4-delete', '2025-05-12T09:00');
    await recordStep(page, '5-actual', '2025-06-01T11:00');

    await page.reload();
    const client = '131016-0000012345';
    await addEvent(page, '利用者同意', async (form) => {
      await form.getByLabel('利用者', { exact: true }).selectOption(client);
      await form.getByLabel('計画の作成(変更)日').fill('2025-04-10');
      await form.getByLabel('同意日').fill('2025-04-15');
    });
    await addEvent(page, '利用者へ交付', async (form) => {
      await form.getByLabel('利用者', { exact: true }).selectOption(client);
      await form.getByLabel('計画の作成(変更)日').fill('2025-04-10');
      await form.getByLabel('交付日').fill('2025-04-15');
    });
    await addEvent(page, '差替(理由が必要)', async (form) => {
      const option = await form.getByLabel('対象のファイル').locator('option', { hasText: 'UPPLAN_202505_1310000001_43_1310000002_11_20250510090000' }).first().getAttribute('value');
      await form.getByLabel('対象のファイル').selectOption(option);
      await form.getByLabel('差し替えた日時').fill('2025-05-10T09:30');
      await form.getByLabel('差替の理由').fill('訪問回数の変更');
    });

    // May, for the client who uses both providers.
    await openPlace(page, '運営指導の印刷');
    const inspection = region(page, '運営指導用の記録を印刷');
    await inspection.getByLabel('利用者').selectOption(client);
    await inspection.getByLabel('対象の月').fill('2025-05');
    const sheet = inspection.getByRole('article', { name: '運営指導用の記録' });
    await sheet.waitFor();
    await sheet.getByText('違い: 0件').waitFor(); // 予定↔実績 from the kept files
    await expectNoAxeViolations(page, 'the ledger with the May sheet');

    const pdf = path.join(profile, 'may.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    // KEEP_PDF=dir keeps the sheet for a person to look at.
    if (process.env.KEEP_PDF) await copyFile(pdf, path.join(process.env.KEEP_PDF, 'may.pdf'));
    // Checked as words, whatever the line breaks of the A4 columns.
    const text = pdfText(pdf).replace(/\s+/g, '');
    // 1. The April plan is in force in May, with its consent and delivery.
    assert.match(text, /令和7年4月10日\(木\)作成/);
    assert.match(text, /署名令和7年4月15日\(火\)/);
    assert.match(text, /計画書令和7年4月15日\(火\)/);
    assert.doesNotMatch(text, /この期間に有効だった計画の記録はありません/);
    // 3. Each 利用票 version with the date it was really sent, not when it was typed in.
    assert.match(text, /送信令和7年4月25日\(金\)/);
    const shown = await sheet.innerText();
    assert.match(shown, /送信 令和7年4月25日\(金\) 10:00\s*\(台帳への記録 令和8年/);
    assert.match(text, /\(台帳への記録令和8年/);
    assert.match(shown, /2025年5月10日 09:00作成/);
    // 4. The cancelled version says 取消 and is not 【最新】; the replaced one is 旧版.
    const dayCare = text.slice(text.indexOf('あおぞらデイサービス(1310000003)サービス利用票'));
    assert.match(dayCare, /取消/);
    const dayCareTable = dayCare.slice(0, dayCare.indexOf('3.実績'));
    assert.doesNotMatch(dayCareTable, /【最新】/);
    assert.match(text, /旧版/);
    // 5. 差替 reasons, sign fields, the appendix and the chain status.
    assert.match(text, /訪問回数/); // a narrow column: the PDF's text breaks the reason's line
    assert.match(shown, /訪問回数の変更/);
    assert.match(text, /確認者/);
    assert.match(text, /確認日/);
    assert.match(text, /付表ファイルの指紋/);
    assert.match(text, /つながりを確認しました/);
    // The 14-digit 連番 is not how versions are named.
    assert.doesNotMatch(text.slice(0, text.indexOf('付表')), /20250425093000/);
    // Page numbers 「1 / N」 on every page, N the PDF's page count; the ledger's other panels
    // are not printed.
    const pages = pdfPages(pdf);
    assert.ok(pages >= 1 && pages <= 3, `one client-month fits on 1–3 A4 pages, got ${pages}`);
    for (let p = 1; p <= pages; p += 1) {
      const pageText = pdfText(pdf, p);
      assert.match(pageText, new RegExp(`${p}\\s*/\\s*${pages}`), `page ${p} is numbered`);
      assert.match(pageText, /印刷日\s*令和\d+年/, `page ${p} carries the print date`);
    }
    assert.doesNotMatch(text, /記録一覧|バックアップを書き出す|あとからの記録を追加/);
    assert.match(text, /違い:0件/);

    // Ctrl+P while the sheet is shown: print media shows the sheet and hides the rest.
    await page.emulateMedia({ media: 'print' });
    // (By CSS, not by role: hidden panels leave the accessibility tree, the sheet's region too.)
    assert.ok(await page.locator('.inspection-sheet').isVisible(), 'the sheet prints');
    assert.equal(await page.locator('nav', { hasText: '記録一覧' }).isVisible(), false);
    assert.equal(await page.locator('h3', { hasText: 'バックアップ' }).first().isVisible(), false);
    // Ctrl+P's pages are the printed PDF's pages.
    const ctrlP = path.join(profile, 'may-ctrl-p.pdf');
    await page.pdf({ path: ctrlP, format: 'A4' });
    assert.equal(pdfPages(ctrlP), pages);
    assert.equal(pdfText(ctrlP).replace(/\s+/g, ''), text);
    await page.emulateMedia({ media: null });

    // All clients of May: one sheet per client, each starting on a new page.
    await page.evaluate(() => { window.print = () => { window.printed = (window.printed ?? 0) + 1; }; });
    await inspection.getByRole('button', { name: 'この月の全利用者を印刷' }).click();
    await inspection.getByText('2人分の記録票です。').waitFor();
    await page.waitForFunction(() => window.printed === 1);
    const all = path.join(profile, 'may-all.pdf');
    await page.pdf({ path: all, format: 'A4' });
    const allPages = pdfPages(all);
    const starts = [];
    for (let p = 1; p <= allPages; p += 1) {
      const pageText = pdfText(all, p);
      if (pageText.includes('運営指導用 記録票')) starts.push(pageText.replace(/\s+/g, ''));
    }
    assert.equal(starts.length, 2, 'two sheets, each starting a page');
    assert.equal(starts.filter((t) => /髙橋﨑子様/.test(t)).length, 1);
    assert.equal(starts.filter((t) => /山田太郎様/.test(t)).length, 1);
    await writeFile(path.join(profile, 'done'), '');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
