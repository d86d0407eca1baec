// Issue 15 from the single file on a USB stick (file://), on the office screen (1366×768):
// a PDF of several MB attached to a 差替 and May's 送受信一覧 saved; after a reload both
// download byte-identical and May's sheet lists them; the PDF shows inside the page; bad
// files (60 MB, 0 bytes, a PNG named .pdf) are refused with words and record nothing; a
// licence due in 20 days is reminded at the top of every page until 「済んだことを記録」;
// the keeping sheet prints on one A4 page with the office's real settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  singleFileOnStick, openProfile, freshProfileDir, generatedFixtureDir, sha256, OFFICE_SCREEN, ROOT,
  expectNoAxeViolations, readOpfsFolder, writeOpfsFolder,
} from './support.mjs';
import {
  region, openLedger, openCheck, openPlace, setUpOffice, storedEntries, chooseStaff, exportBackup, FILES,
} from './ledger_steps.mjs';

let stick;
let work;
let profile;
const SHOTS = process.env.SCREENSHOTS ?? null;

before(async () => {
  stick = await singleFileOnStick();
  work = await mkdtemp(path.join(tmpdir(), 'attach-'));
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
});
after(async () => {
  await stick?.cleanup();
  await rm(work, { recursive: true, force: true });
  if (profile) await rm(profile, { recursive: true, force: true });
});

/**
 * A real one-page PDF saying `text`, padded to about `size` bytes by an unreferenced stream
 * of random bytes (so it cannot be compressed away); the xref offsets are exact.
 */
function pdf(text, size) {
  const parts = [];
  const offsets = [];
  let length = 0;
  const push = (s) => { const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'); parts.push(b); length += b.length; };
  const object = (n, body) => { offsets[n] = length; push(`${n} 0 obj\n`); push(body); push('\nendobj\n'); };
  push('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const content = `BT /F1 28 Tf 72 700 Td (${text}) Tj ET`;
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>');
  object(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  object(5, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const pad = randomBytes(Math.max(0, size - 1200));
  offsets[6] = length;
  push(`6 0 obj\n<< /Length ${pad.length} >>\nstream\n`); push(pad); push('\nendstream\nendobj\n');
  const xref = length;
  push('xref\n0 7\n0000000000 65535 f \n');
  for (let n = 1; n <= 6; n++) push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** The month `n` months before this one (Japan time), as `YYYY-MM`. */
function monthsAgo(n) {
  const d = new Date(Date.now() + 9 * 3600_000);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() - n;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** A real 2×2 PNG (a screenshot stands in). */
function tinyPng() {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
}

/** Today in Japan plus `days`, as `YYYY-MM-DD`. */
function japanDay(days) {
  const d = new Date(Date.now() + 9 * 3600_000 + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function downloadBytes(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = path.join(work, `dl-${Date.now()}`);
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: await readFile(file) };
}

test('attachments, renewals and the keeping sheet, from a USB stick', { timeout: 600_000 }, async () => {
  const fixtures = path.join(await generatedFixtureDir(), 'valid');
  profile = await freshProfileDir();
  const { page, problems, close } = await openProfile(profile, stick.url, { viewport: OFFICE_SCREEN });
  try {
    await setUpOffice(page);
    // The files were sent on the 1st two months ago: that month's 送受信一覧 is due now.
    const sentMonth = monthsAgo(2);
    await openCheck(page);
    await page.getByLabel('ファイルを選ぶ', { exact: true }).setInputFiles(FILES.map((f) => path.join(fixtures, f)));
    const panel = region(page, '台帳に記録');
    await panel.getByLabel('1310000002 の事業所名').fill('ひまわり訪問介護');
    await panel.getByLabel('送信・受信した日時(ここに並ぶファイル全部)').fill(`${sentMonth}-01T10:00`);
    await panel.getByRole('button', { name: '台帳に記録' }).click();
    await panel.getByText('保存しました(ファイル2件、記録4件)').waitFor();
    const [year, month] = sentMonth.split('-').map(Number);
    const due = `${year}年${month}月分の送受信一覧がまだ保存されていません`;
    const bar = page.getByTestId('reminder-bar');
    await bar.getByText(due).waitFor();

    // A 差替 of the recorded 利用票, with its reason.
    await openPlace(page, '記録を追加');
    const events = region(page, 'あとからの記録を追加');
    await events.getByLabel('記録の種類').selectOption({ label: '差替(理由が必要)' });
    const fileChoice = events.getByLabel('対象のファイル');
    const upplan = await fileChoice.locator('option', { hasText: 'UPPLAN' }).first().getAttribute('value');
    await fileChoice.selectOption(upplan);
    await events.getByLabel('差替の理由').fill('担当者会議で訪問時間を変更');
    await events.getByRole('button', { name: 'この記録を追加' }).click();
    await events.getByText('保存しました').waitFor();

    // The minutes (4 MB PDF) attached to that 差替.
    const minutes = pdf('Tantousha Kaigi 2025-05-21', 4 * 1024 * 1024);
    await openPlace(page, '添付・送受信一覧');
    const attach = region(page, '添付・送受信一覧');
    await attach.getByLabel('記録に添付(差替・同意・交付)').check();
    const to = attach.getByLabel('添付する先の記録');
    const replaced = await to.locator('option', { hasText: '差替' }).first().getAttribute('value');
    await to.selectOption(replaced);
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: '担当者会議録_0521.pdf', mimeType: 'application/pdf', buffer: minutes });
    await attach.getByLabel('説明(任意)').fill('差替の理由となった会議の記録');
    await attach.getByRole('button', { name: '台帳に保存' }).click();
    await page.getByTestId('attach-status').filter({ hasText: '添付を保存しました' }).waitFor({ timeout: 60_000 });

    // The reminder leads to the form set for its month: then the file, then 保存 (3 clicks).
    await bar.getByRole('button', { name: `送受信一覧を保存(${year}年${month}月)` }).click();
    await page.getByRole('navigation', { name: '台帳の中の場所' }).getByRole('link', { name: '添付・送受信一覧', current: 'page' }).waitFor();
    assert.equal(await attach.getByLabel('対象の月').inputValue(), sentMonth);
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: `送受信一覧_${sentMonth}.png`, mimeType: 'image/png', buffer: tinyPng() });
    await attach.getByRole('button', { name: '台帳に保存' }).click();
    await page.getByTestId('attach-status').filter({ hasText: `${year}年${month}月分の送受信一覧を保存しました` }).waitFor();
    await bar.getByText(due).waitFor({ state: 'detached' });

    // May 2025's 送受信一覧 (3 MB): from the menu it is 添付・送受信一覧 → the month → the file → 保存.
    const list = pdf('Soujushin Ichiran 2025-05', 3 * 1024 * 1024);
    await attach.getByLabel('送受信一覧(月ごと)').check();
    await attach.getByLabel('対象の月').fill('2025-05');
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: '送受信一覧_2025年5月.pdf', mimeType: 'application/pdf', buffer: list });
    await attach.getByRole('button', { name: '台帳に保存' }).click();
    await page.getByTestId('attach-status').filter({ hasText: '2025年5月分の送受信一覧を保存しました' }).waitFor({ timeout: 60_000 });
    await shot(page, '1-attachments-saved');

    // Bad files: refused in words, nothing recorded, the page goes on.
    const before = (await storedEntries(page)).length;
    const big = path.join(work, '大きすぎる一覧.pdf');
    await writeFile(big, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(60 * 1024 * 1024)]));
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles(big);
    await attach.getByText('添付できるのは1ファイル50.0 MBまでです').waitFor();
    await attach.getByRole('button', { name: '台帳に保存' }).click();
    await page.getByTestId('attach-status').filter({ hasText: '保存しませんでした' }).waitFor();
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: '空.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
    await attach.getByText('空のファイル(0バイト)です').waitFor();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: '一覧.pdf', mimeType: 'application/pdf', buffer: png });
    await attach.getByRole('button', { name: '台帳に保存' }).click();
    await attach.getByText('名前ではPDFですが、中身はPNG画像です').waitFor();
    assert.equal((await storedEntries(page)).length, before, 'nothing recorded for bad files');
    await shot(page, '2-bad-file');

    // A 資料 whose name hides a direction override: kept, shown written out.
    const hostileName = '資料\u202Efdp.exe';
    await attach.getByLabel('資料(説明をつけて)').check();
    await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: hostileName, mimeType: 'application/octet-stream', buffer: Buffer.from('MZ not a program') });
    await attach.getByLabel('説明(何の資料か)').fill('名前の怪しいファイル');
    await attach.getByRole('button', { name: '台帳に保存' }).click();
    await page.getByTestId('attach-status').filter({ hasText: '添付を保存しました' }).waitFor();
    const kept = region(page, '保存した添付・送受信一覧');
    await kept.getByText('資料〔U+202E〕fdp.exe').first().waitFor();
    assert.equal(await kept.getByText(hostileName).count(), 0, 'the override is never shown raw');

    // Reload: both PDFs are still there, download byte-identical under their names.
    await page.reload();
    await openPlace(page, '添付・送受信一覧');
    for (const [name, bytes] of [['担当者会議録_0521.pdf', minutes], ['送受信一覧_2025年5月.pdf', list]]) {
      const got = await downloadBytes(page, kept.getByRole('button', { name: `保存(${name})` }));
      assert.equal(got.name, name);
      assert.equal(got.bytes.length, bytes.length);
      assert.equal(sha256(got.bytes), sha256(bytes));
    }
    // The PDF inside the page, from a blob: URL (the CSP allows frame-src blob: only).
    await kept.getByRole('button', { name: '表示(送受信一覧_2025年5月.pdf)' }).click();
    const frame = page.getByTestId('attachment-preview').locator('iframe');
    await frame.waitFor();
    assert.match(await frame.getAttribute('src'), /^blob:/);
    // Chromium's own PDF viewer opens inside that frame (no plugin, no object-src needed).
    await frame.scrollIntoViewIfNeeded();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith('chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/')); i++) {
      await page.waitForTimeout(100);
    }
    assert.ok(page.frames().some((f) => f.url().startsWith('chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/')), 'the PDF viewer opened');
    await page.waitForTimeout(4000);
    await shot(page, '3-pdf-preview');

    // May's inspection sheet lists the minutes and the month's list.
    await openPlace(page, '運営指導の印刷');
    const print = region(page, '運営指導用の記録を印刷');
    const client = print.getByLabel('利用者');
    await client.selectOption({ index: 1 });
    await print.getByLabel('対象の月', { exact: true }).fill('2025-05');
    const sheet = page.getByRole('article', { name: '運営指導用の記録' });
    await sheet.getByText('6. 添付書類・送受信一覧').waitFor();
    await sheet.getByRole('cell', { name: '差替の添付' }).first().waitFor();
    await sheet.getByRole('cell', { name: '送受信一覧 令和7年5月' }).first().waitFor();
    await sheet.getByRole('cell', { name: sha256(minutes) }).waitFor();
    const part6 = sheet.locator('section', { hasText: '6. 添付書類・送受信一覧' });
    await part6.scrollIntoViewIfNeeded();
    await shot(page, '4-inspection-sheet');

    // A licence due in 20 days, owned by 鈴木 一郎.
    await openPlace(page, '更新・期限');
    await page.getByTestId('no-secret').waitFor();
    const add = region(page, '期限のあるものを登録');
    await add.getByLabel('担当者').selectOption('鈴木 一郎');
    await add.getByLabel('次の支払日').fill(japanDay(20));
    await add.getByRole('button', { name: '登録する' }).click();
    await page.getByTestId('renewal-add-status').filter({ hasText: '記録しました' }).waitFor();
    await bar.getByText('(あと20日)。担当: 鈴木 一郎').waitFor();
    // On every page, also after a reload.
    await openCheck(page);
    await bar.getByText('(あと20日)。担当: 鈴木 一郎').waitFor();
    await page.reload();
    await bar.getByText('(あと20日)。担当: 鈴木 一郎').waitFor();
    await shot(page, '5-reminder-on-check-page');
    // One click from the reminder to its form (focus in it), then record it as done.
    await chooseStaff(page, '鈴木 一郎');
    await bar.getByRole('button', { name: /^済んだことを記録/ }).click();
    await page.getByRole('heading', { name: /^済んだことを記録: ライセンス/ }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'done-on');
    assert.equal(await page.getByLabel('新しい次の支払日').inputValue(), `${Number(japanDay(20).slice(0, 4)) + 1}${japanDay(20).slice(4)}`);
    await shot(page, '6-done-form');
    await page.getByRole('button', { name: '済んだことを記録', exact: true }).click();
    await page.getByTestId('done-status').filter({ hasText: '記録しました' }).waitFor();
    await bar.waitFor({ state: 'detached' });
    await page.reload();
    await openPlace(page, '更新・期限');
    await page.getByRole('cell', { name: /鈴木 一郎$/ }).last().waitFor();
    assert.equal(await page.getByTestId('reminder-bar').count(), 0, 'handled: no reminder after a reload');
    const lines = (await storedEntries(page)).map((l) => JSON.parse(l));
    const done = lines.find((e) => e.kind === 'renewal_done');
    assert.equal(done.actor, '鈴木 一郎');
    assert.ok(!JSON.stringify(lines).toLowerCase().includes('password"'), 'no password field anywhere');

    // A backup carries the new kinds and the attached bytes; the independent verifier of
    // docs/backup-format.md §9 (Python, standard library only) accepts it.
    await exportBackup(page, '佐藤 花子', path.join(work, 'backup.json'));
    const backup = JSON.parse(await readFile(path.join(work, 'backup.json'), 'utf8'));
    const kinds = new Set(backup.chains.flatMap((c) => c.entries.map((e) => e.kind)));
    for (const k of ['send_list', 'attachment', 'renewal_item', 'renewal_done', 'replaced']) assert.ok(kinds.has(k), k);
    for (const bytes of [minutes, list]) {
      const f = backup.files.find((x) => x.sha256 === sha256(bytes));
      assert.ok(f, 'attached bytes in the backup');
      assert.equal(sha256(Buffer.from(f.base64, 'base64')), sha256(bytes));
    }
    const doc = await readFile(path.join(ROOT, 'docs/backup-format.md'), 'utf8');
    const verifier = doc.split('## 9.')[1].split('```python\n')[1].split('\n```')[0];
    await writeFile(path.join(work, 'verify.py'), verifier);
    const verdict = execFileSync('python3', [path.join(work, 'verify.py'), path.join(work, 'backup.json')], { encoding: 'utf8' });
    assert.match(verdict, /^OK: 1 devices, \d+ entries, root [0-9a-f]{64}/, verdict);


    // The keeping sheet: one A4 page with the office's real settings.
    await openPlace(page, '保存と管理の記録');
    const keeping = page.getByRole('article', { name: '証跡の保存と管理' });
    await keeping.getByText('さくら居宅介護支援事業所(事業所番号 1310000001)').waitFor();
    await shot(page, '7-keeping-sheet');
    const pdfFile = path.join(work, 'keeping.pdf');
    await page.pdf({ path: pdfFile, format: 'A4', preferCSSPageSize: true });
    const info = execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' });
    assert.match(info, /^Pages:\s+1$/m, info);
    assert.match(info, /A4/, info);
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    for (const want of ['証跡の保存と管理', 'さくら居宅介護支援事業所', '1310000001', '佐藤 花子、鈴木 一郎',
      '完結日から2年', '7日ごと', '佐藤 花子(パソコン', 'ファイルを含む', 'ライセンス(事業所番号', '次の支払日 令和', '担当 鈴木 一郎', '管理責任者', '作成日 令和']) {
      assert.ok(text.includes(want), `${want} in:\n${text}`);
    }
    assert.ok(!text.includes('運営指導用 記録票'), 'only the keeping sheet is printed');
    if (SHOTS) {
      await writeFile(path.join(SHOTS, 'keeping.pdf'), await readFile(pdfFile));
      execFileSync('pdftoppm', ['-png', '-r', '60', pdfFile, path.join(SHOTS, 'keeping-page')]);
    }

    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the new places and the reminder bar meet WCAG 2.2 AA', { timeout: 300_000 }, async (t) => {
  if (!profile) return t.skip('needs the ledger of the first test');
  // The same profile, opened so the test (never the page) may inject axe-core.
  const { page, close } = await openProfile(profile, stick.url, { viewport: OFFICE_SCREEN, bypassCSP: true });
  try {
    await chooseStaff(page, '佐藤 花子');
    await openPlace(page, '更新・期限');
    const add = region(page, '期限のあるものを登録');
    await add.getByLabel('種類').selectOption({ label: '電子証明書' });
    await add.getByLabel('担当者').selectOption('佐藤 花子');
    await add.getByLabel('有効期限').fill(japanDay(5));
    await add.getByRole('button', { name: '登録する' }).click();
    await page.getByTestId('reminder-bar').getByText('(あと5日)。担当: 佐藤 花子').waitFor();
    await page.getByRole('button', { name: /^済んだことを記録\(電子証明書/ }).first().click();
    await page.getByRole('heading', { name: /^済んだことを記録: 電子証明書/ }).waitFor();
    await expectNoAxeViolations(page, '更新・期限(お知らせと記録の form)');
    await openPlace(page, '添付・送受信一覧');
    await region(page, '保存した添付・送受信一覧').getByRole('button', { name: /^保存\(/ }).first().waitFor();
    await expectNoAxeViolations(page, '添付・送受信一覧');
    await openPlace(page, '保存と管理の記録');
    await page.getByRole('article', { name: '証跡の保存と管理' }).waitFor();
    await expectNoAxeViolations(page, '保存と管理の記録');
  } finally {
    await close();
  }
});

/** A PC whose folder dialog answers with the profile's folder 「台帳フォルダ」 (see office.test.mjs). */
async function openPcWithFolder(dir) {
  const pc = await openProfile(dir, stick.url, { viewport: OFFICE_SCREEN, extraArgs: ['--allow-file-access-from-files'] });
  await pc.context.addInitScript(() => {
    window.showDirectoryPicker = async () => (await navigator.storage.getDirectory())
      .getDirectoryHandle('台帳フォルダ', { create: true });
  });
  await pc.page.reload();
  return pc;
}

test('an attached PDF goes to the office folder and another PC gets it byte-identical', { timeout: 300_000 }, async () => {
  const dirA = await freshProfileDir();
  const dirB = await freshProfileDir();
  const list = pdf('Soujushin Ichiran (office folder)', 2 * 1024 * 1024);
  const exe = Buffer.from('MZ attached, never runnable from the folder');
  let folderOfA;
  try {
    let { page, problems, close } = await openPcWithFolder(dirA);
    try {
      await setUpOffice(page);
      await openPlace(page, 'バックアップ・台帳フォルダ');
      await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
      await page.getByTestId('folder-status').filter({ hasText: '台帳はこのパソコンと台帳フォルダ「台帳フォルダ」にあります' }).waitFor();
      await openPlace(page, '添付・送受信一覧');
      const attach = region(page, '添付・送受信一覧');
      await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: '送受信一覧.pdf', mimeType: 'application/pdf', buffer: list });
      await attach.getByRole('button', { name: '台帳に保存' }).click();
      await page.getByTestId('attach-status').filter({ hasText: '分の送受信一覧を保存しました' }).waitFor();
      await attach.getByLabel('資料(説明をつけて)').check();
      await attach.getByLabel('添付するファイルを選ぶ').setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: exe });
      await attach.getByLabel('説明(何の資料か)').fill('実行ファイル');
      await attach.getByRole('button', { name: '台帳に保存' }).click();
      await page.getByTestId('attach-status').filter({ hasText: '添付を保存しました' }).waitFor();
      const wanted = `/files/${sha256(list)}.pdf`;
      for (let i = 0; i < 100; i++) {
        folderOfA = await readOpfsFolder(page, '台帳フォルダ');
        if (Object.keys(folderOfA).some((n) => n.endsWith(`/files/${sha256(exe)}.bin`))) break;
        await page.waitForTimeout(200);
      }
      const names = Object.keys(folderOfA);
      const pdfName = names.find((n) => n.endsWith(wanted));
      assert.ok(pdfName, names.join('\n'));
      assert.equal(sha256(Buffer.from(folderOfA[pdfName], 'base64')), sha256(list));
      assert.ok(names.some((n) => n.endsWith(`/files/${sha256(exe)}.bin`)), 'an .exe is kept as .bin');
      assert.ok(!names.some((n) => n.endsWith('.exe')), names.join('\n'));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }

    ({ page, problems, close } = await openPcWithFolder(dirB));
    try {
      await writeOpfsFolder(page, '台帳フォルダ', folderOfA);
      await openLedger(page);
      await region(page, '台帳フォルダ(事業所のパソコンで共有)').getByRole('button', { name: '台帳フォルダを選ぶ' }).click();
      await page.getByRole('heading', { name: '利用者', exact: true }).waitFor();
      await openPlace(page, '添付・送受信一覧');
      const got = await downloadBytes(page, region(page, '保存した添付・送受信一覧').getByRole('button', { name: '保存(送受信一覧.pdf)' }));
      assert.equal(got.name, '送受信一覧.pdf');
      assert.equal(sha256(got.bytes), sha256(list));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  } finally {
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  }
});
