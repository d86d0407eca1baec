// What the "never frozen" tests measure (issue 18): every main-thread task over 50 ms the
// browser reports (PerformanceObserver 'longtask'), and the memory of the tab, sampled while
// the work runs: the resident memory (RSS) of the browser's renderer processes, which hold
// the page, its workers and their wasm memory, and the page's JS heap (CDP Performance).
import { readFile, readdir } from 'node:fs/promises';
import { launchBrowser } from './support.mjs';

/** Starts recording long tasks in every page of `context` (before the page's scripts). */
export async function watchLongTasks(context) {
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The long tasks seen so far (ms each), emptying the list. */
export const takeLongTasks = (page) => page.evaluate(() => window.__longTasks.splice(0));

/** A browser whose process tree is known, so its renderers' memory can be read. */
export async function launchMeasuredBrowser() {
  const before = new Set(await childrenOf(process.pid));
  const browser = await launchBrowser();
  // Playwright starts the browser as a child of this process.
  const pid = (await childrenOf(process.pid)).find((p) => !before.has(p));
  return { browser, pid };
}

async function childrenOf(pid) {
  const out = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

/** RSS (bytes) of every renderer process below the browser `pid`. */
async function rendererRss(pid) {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    const kids = await childrenOf(p);
    stack.push(...kids);
    try {
      const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const status = await readFile(`/proc/${p}/status`, 'utf8');
      total += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
    } catch { /* gone */ }
  }
  return total;
}

/**
 * Samples the renderers' memory every 250 ms and the page's JS heap until `stop()`, which
 * returns { peakRss, peakHeap } in bytes.
 */
export async function sampleMemory(pid, page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  let peakRss = 0;
  let peakHeap = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peakRss = Math.max(peakRss, await rendererRss(pid));
      try {
        const { metrics } = await session.send('Performance.getMetrics');
        peakHeap = Math.max(peakHeap, metrics.find((m) => m.name === 'JSHeapTotalSize')?.value ?? 0);
      } catch { /* page busy or closing */ }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await session.detach().catch(() => {});
    return { peakRss, peakHeap };
  };
}

export const mb = (bytes) => `${Math.round(bytes / 1e6).toLocaleString('en')} MB`;
