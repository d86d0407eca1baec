// The foundation, as a user meets it: open the page (from a server, or as the single file
// from a USB stick), choose files, and see their names and correct fingerprints, while the
// page talks to no network at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { useBrowserAndPage, openPage, memoryFile, SINGLE_FILE } from './support.mjs';

const env = useBrowserAndPage();

const files = [
  memoryFile('UPPLAN_202505_0300000100_43_0300000005_11_20250420120000.CSV', '202407,031234,0000012345\r\n'),
  memoryFile('メモ 髙﨑.csv', 'テスト,"改行\r\nあり"\r\n'),
];

/** Opens a file's 「詳しい情報」 (its first one: the file's own, before any finding's). */
async function openDetails(card) {
  await card.getByText('詳しい情報', { exact: true }).first().click();
}

/** Chooses the files with the 「ファイルを選ぶ」 button and checks the listed fingerprints. */
async function chooseFilesAndSeeFingerprints(page) {
  await page.getByLabel('ファイルを選ぶ').setInputFiles(files);
  for (const file of files) {
    const card = page.getByRole('article', { name: file.name });
    // The fingerprint is a technical detail: behind 「詳しい情報」.
    await openDetails(card);
    await card.getByText(file.sha256).waitFor();
  }
  assert.equal(await page.getByRole('article').count(), files.length);
}

for (const way of ['http', 'file']) {
  test(`opened ${way === 'http' ? 'from a localhost server' : 'as the single file from a USB stick'}: choose two files, see their SHA-256`, async () => {
    const url = way === 'http' ? env.server.url : env.stick.url;
    const { page, context, requests, problems } = await openPage(env.browser, url);
    try {
      await page.getByRole('heading', { name: 'ケアプラン連携 証跡台帳' }).waitFor();
      await page.getByText('ここにCSVファイルをドロップ').waitFor();
      const origin = await page.getByTestId('page-origin').innerText();
      assert.equal(origin, way === 'http' ? 'https・localhost' : 'USBなどのファイルから');
      assert.match(await page.getByTestId('storage').innerText(), /このパソコンのブラウザの中に保存されます/);

      await chooseFilesAndSeeFingerprints(page);

      // The page loads itself and nothing else: one request, for the page. (The checking
      // worker starts from a blob: URL, which is memory of the page, not a connection.)
      const network = requests.filter((r) => !r.startsWith('blob:'));
      assert.deepEqual(network, [url], `requests: ${requests.join(', ')}`);
      assert.equal(page.workers().length, 1, 'files are checked in a worker');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('files dropped on the drop zone are listed with their SHA-256', async () => {
  const { page, context, problems } = await openPage(env.browser, env.stick.url);
  try {
    await page.getByText('ここにCSVファイルをドロップ').waitFor();
    const dropped = files.map((f) => ({ name: f.name, base64: f.buffer.toString('base64') }));
    await page.getByRole('region', { name: 'ファイルの受け取り' }).evaluate((zone, list) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of list) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name, { type: 'text/csv' }));
      }
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, dropped);
    for (const file of files) {
      const card = page.getByRole('article', { name: file.name });
      await openDetails(card);
      await card.getByText(file.sha256).waitFor();
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the single file is at most 2 MB and carries a CSP that forbids every connection', async () => {
  const { size } = await stat(SINGLE_FILE);
  assert.ok(size <= 2 * 1024 * 1024, `size ${size}`);
  const { page, context } = await openPage(env.browser, env.stick.url);
  try {
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /connect-src 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval';/);
    // A connection attempt from inside the page is blocked by the policy itself (not merely
    // failed): the browser reports a connect-src violation.
    const violated = await page.evaluate(async () => {
      const seen = new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
      });
      await fetch('http://127.0.0.1:9/').catch(() => {});
      return seen;
    });
    assert.equal(violated, 'connect-src');
  } finally {
    await context.close();
  }
});
