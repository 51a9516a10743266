// Report at cohort scale: synthetic merged run folders of 399 and 5,000 slides (report-synthetic.mjs:
// plan.json, scores.csv, markers, shared PNGs symlinked per slide), `wsi-hpc report` timed (wall,
// CPU-seconds, peak RSS), then the first page measured in headless Chromium (/usr/bin/chromium via
// playwright-core, as test/report/browser.ts): bytes of report.html and of everything it loads, first
// contentful paint, and when the table is interactive. Compared, when OLD_REPORT_BIN points at the
// CLI of a build before the per-slide pages (e.g. a copy of dist/ from commit f9bd0f7), with the old
// single self-contained page, and with the same table served as static HTML rows (every row rendered).
//   OLD_REPORT_BIN=/tmp/oldreport/dist/cli/bin.js node bench/report-scale.mjs [--sizes 399,5000] [--old-sizes 399] [--repeat 3]
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { BIN, ensureSlides, log, OUT, timed } from './bench-util.mjs';
import { makeSyntheticRun } from './report-synthetic.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SIZES = arg('sizes', '399,5000').split(',').map(Number);
const REPEAT = Number(arg('repeat', '3'));
const OLD_BIN = process.env.OLD_REPORT_BIN ?? null;
const OLD_SIZES = arg('old-sizes', '399').split(',').map(Number);
const DIR = join(OUT, 'report-scale');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 0) => (x === null || x === undefined ? null : Number(x.toFixed(d)));

/** Bytes of everything the page requested: file: URLs by their size on disk (data: URIs are inside the page). */
function bytesOf(urls) {
  return urls.filter((u) => u.startsWith('file:')).reduce((t, u) => t + statSync(fileURLToPath(u)).size, 0);
}

/** One cold load of `url` in a fresh context: paint and readiness times (ms), requests, errors. */
async function measure(browser, url, { ready }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 600_000 });
  if (ready === 'mark') await page.locator('#slides.ready').waitFor({ state: 'attached', timeout: 600_000 });
  const loadMs = Date.now() - t0;
  const times = await page.evaluate(async (ready) => {
    // The paint entry can come after the load event: wait for it (buffered), at most 10 s.
    const fcp = await new Promise((resolve) => {
      const found = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      if (found() !== undefined) return resolve(found());
      new PerformanceObserver(() => found() !== undefined && resolve(found())).observe({ type: 'paint', buffered: true });
      setTimeout(() => resolve(null), 10_000);
    });
    const nav = performance.getEntriesByType('navigation')[0];
    const mark = performance.getEntriesByName('table-ready')[0];
    return {
      fcpMs: fcp,
      // The table is interactive when its script marked it (new page), else when the DOM is complete.
      interactiveMs: ready === 'mark' ? (mark?.startTime ?? null) : (nav?.domContentLoadedEventEnd ?? null),
      loadEventMs: nav?.loadEventEnd ?? null,
      rows: document.querySelectorAll('table.slides-table tbody tr').length,
      images: document.images.length,
      heightPx: document.documentElement.scrollHeight,
    };
  }, ready);
  // One click on the `max` header: how long a sort takes on the page as loaded (new page only).
  let sortMs = null;
  if (ready === 'mark') {
    sortMs = await page.evaluate(async () => {
      const th = [...document.querySelectorAll('#slide-table th')].find((e) => e.textContent === 'max');
      const t = performance.now();
      th?.click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    });
  }
  await context.close();
  return { ...times, sortMs, wallLoadMs: loadMs, requests: requests.length, bytesLoaded: bytesOf(requests), errors: errors.length };
}

async function measureRepeated(browser, url, ready) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await measure(browser, url, { ready }));
  const pick = (k) => (runs.every((r) => r[k] === null) ? null : median(runs.map((r) => r[k])));
  return {
    fcpMs: round(pick('fcpMs')),
    interactiveMs: round(pick('interactiveMs')),
    loadEventMs: round(pick('loadEventMs')),
    sortMs: round(pick('sortMs')),
    rows: runs[0].rows,
    images: runs[0].images,
    heightPx: runs[0].heightPx,
    requests: runs[0].requests,
    bytesLoaded: runs[0].bytesLoaded,
    errors: Math.max(...runs.map((r) => r.errors)),
  };
}

/** The same table as static HTML: every row rendered into the page, the script and its CSP hash removed. */
async function writeStaticRows(browser, reportUrl, out) {
  const page = await browser.newPage();
  await page.goto(reportUrl, { waitUntil: 'load' });
  await page.locator('#slides.ready').waitFor({ state: 'attached' });
  await page.evaluate(() => {
    const more = document.getElementById('slide-more');
    while (more && !more.hidden) more.click();
  });
  const html = await page.evaluate(() => {
    for (const s of document.querySelectorAll('script')) s.remove();
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    csp?.setAttribute('content', "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    return `<!doctype html>\n${document.documentElement.outerHTML}`;
  });
  writeFileSync(out, html);
  await page.close();
}

/** Real pictures to share: the QC picture and tissue mask `plan` draws for one synthetic slide, and the QC tinted as a heatmap. */
async function realPictures() {
  const slides = join(DIR, 'slide');
  ensureSlides(slides, { slides: 1, width: 40000, height: 30000, flavour: 'aperio' });
  const run = join(DIR, 'picture-run');
  timed('node', [BIN, 'plan', slides, '--out', run, '--force', '-q']);
  const plan = JSON.parse(readFileSync(join(run, 'plan.json'), 'utf8'));
  const s = plan.slides[0];
  const heatmap = join(run, 'heatmap.png');
  await sharp(join(run, s.outputs.qc)).tint('#d04020').png().toFile(heatmap);
  return { qc: join(run, s.outputs.qc), mask: join(run, s.outputs.mask), heatmap };
}

const results = { date: new Date().toISOString(), cores: cpus().length, loadavgStart: loadavg().map((x) => round(x, 2)), sizes: [] };
mkdirSync(DIR, { recursive: true });
const pictures = await realPictures();
results.pictureBytes = Object.fromEntries(Object.entries(pictures).map(([k, p]) => [k, statSync(p).size]));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
for (const n of SIZES) {
  const run = join(DIR, `run-${n}`);
  log(`building a synthetic ${n}-slide run in ${run} ...`);
  await makeSyntheticRun(run, { slides: n, pictures });
  const first = timed('node', [BIN, 'report', run, '--json']);
  const again = timed('node', [BIN, 'report', run, '--json']);
  const report = join(run, 'report.html');
  const entry = {
    slides: n,
    report: {
      firstRun: { wallS: first.wallS, cpuS: round(first.cpuS, 2), peakRssMiB: round(first.peakRssMiB) },
      rerun: { wallS: again.wallS, cpuS: round(again.cpuS, 2), peakRssMiB: round(again.peakRssMiB) },
      bytes: statSync(report).size,
      pages: JSON.parse(first.stdout).pages,
    },
  };
  log(`${n} slides: report ${first.wallS} s wall, ${first.cpuS.toFixed(1)} CPU-s; measuring in Chromium ...`);
  entry.page = await measureRepeated(browser, pathToFileURL(report).href, 'mark');
  const slidePage = join(run, 'report', 'slides', `${JSON.parse(readFileSync(join(run, 'plan.json'), 'utf8')).slides[0].id}.html`);
  entry.slidePage = await measureRepeated(browser, pathToFileURL(slidePage).href, 'dom');
  const staticRows = join(run, 'report-static-rows.html');
  await writeStaticRows(browser, pathToFileURL(report).href, staticRows);
  entry.staticRows = { bytes: statSync(staticRows).size, ...(await measureRepeated(browser, pathToFileURL(staticRows).href, 'dom')) };
  if (OLD_BIN && OLD_SIZES.includes(n)) {
    const oldOut = join(run, 'report-old.html');
    const old = timed('node', [OLD_BIN, 'report', run, '--out', oldOut]);
    entry.old = {
      report: { wallS: old.wallS, cpuS: round(old.cpuS, 2), peakRssMiB: round(old.peakRssMiB) },
      bytes: statSync(oldOut).size,
      ...(await measureRepeated(browser, pathToFileURL(oldOut).href, 'dom')),
    };
  }
  results.sizes.push(entry);
  log(JSON.stringify(entry));
}
await browser.close();
results.loadavgEnd = loadavg().map((x) => round(x, 2));
writeFileSync(join(OUT, 'report-scale.json'), `${JSON.stringify(results, null, 1)}\n`);
console.log(JSON.stringify(results, null, 1));
