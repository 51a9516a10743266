// The report of a 1,000-slide run (synthetic run folder: plan.json with slide-list metadata, scores.csv,
// markers, shared PNGs symlinked per slide) through `wsi-hpc report RUN`, used in headless Chromium:
// sort by a header, filter by text and status, page through rows, open a slide and see its pictures.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeSyntheticRun } from '../../bench/report-synthetic.mjs';
import type { PlanFile } from '../../src/plan/index.js';
import { cli, makeTempDir, parseJson } from '../fixtures/index.js';
import { launchChromium, openPage, shouldSkipBrowser } from './browser.js';

const SLIDES = 1000;

let tmp: { dir: string; cleanup: () => Promise<void> };
let browser: Browser;
let run: string;
let plan: PlanFile;
let maxById: Map<string, number>;

/** The table as shown: per row, its cells' text. */
function rows(page: Page): Promise<string[][]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('#slide-table tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()),
    ),
  );
}

async function countText(page: Page): Promise<string> {
  return ((await page.locator('#slide-count').textContent()) ?? '').trim();
}

describe.skipIf(shouldSkipBrowser)('the report of a 1,000-slide run in headless Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    tmp = await makeTempDir('report-scale');
    run = join(tmp.dir, 'run');
    plan = await makeSyntheticRun(run, { slides: SLIDES });
    const csv = (await readFile(join(run, 'scores.csv'), 'utf8')).trim().split('\n').slice(1);
    maxById = new Map(csv.map((line) => line.split(',')).map((f) => [f[0], Number(f[4])]));
  });
  afterAll(async () => {
    await browser?.close();
    await tmp?.cleanup();
  });

  test('writes a small first page and one page per slide', async () => {
    const r = await cli(['report', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson(r);
    const failed = plan.slides.filter((s) => s.status === 'failed').length;
    expect(failed).toBe(40);
    expect(result).toMatchObject({ slides: SLIDES, failedSlides: failed, pages: { written: SLIDES, unchanged: 0, removed: 0 } });
    // The old single page embedded three pictures per slide (about 90 KB a slide); the table is a few hundred bytes a slide.
    expect(result.bytes).toBeLessThan(400 * SLIDES);
    expect((await readdir(join(run, 'report', 'slides'))).length).toBe(SLIDES);
  });

  test('loads with no error and no request outside the run folder, sorts by max both ways with missing values last', async () => {
    const { page, log, close } = await openPage(browser, pathToFileURL(join(run, 'report.html')).href);
    expect(await countText(page)).toBe('1,000 of 1,000 slides');
    expect((await rows(page)).length).toBe(500);
    expect(await page.locator('#slide-table thead th').allTextContents()).toEqual([
      'slide',
      'status',
      'patches',
      'max',
      'top-10 mean',
      'tissue',
      'failures / error',
      'site',
      'age',
      'label',
    ]);
    const scores = [...maxById.values()].sort((a, b) => b - a);
    const max = (r: string[][]) => r.map((cells) => cells[3]);

    await page.locator('#slide-table thead th', { hasText: /^max$/ }).click();
    expect(await page.locator('#slide-table thead th', { hasText: /^max/ }).getAttribute('aria-sort')).toBe('descending');
    const descending = await rows(page);
    expect(max(descending.slice(0, 5))).toEqual(scores.slice(0, 5).map((v) => v.toFixed(3)));
    expect(descending[0][0]).toBe(plan.slides.find((s) => maxById.get(s.id) === scores[0])?.name);

    await page.locator('#slide-table thead th', { hasText: /^max/ }).click();
    expect(await page.locator('#slide-table thead th', { hasText: /^max/ }).getAttribute('aria-sort')).toBe('ascending');
    const ascending = await rows(page);
    expect(max(ascending.slice(0, 5))).toEqual(
      scores
        .slice(-5)
        .reverse()
        .map((v) => v.toFixed(3)),
    );
    // The failed slides have no score: last in both directions, after paging through every row.
    // The button's own click (scrolling it into view would also load more, racing a Playwright click).
    expect(await page.locator('#slide-more').textContent()).toBe('Show 500 more (500 not shown yet)');
    await page.locator('#slide-more').evaluate((b) => (b as HTMLButtonElement).click());
    const all = await rows(page);
    expect(all).toHaveLength(SLIDES);
    expect(await page.locator('#slide-more').isHidden()).toBe(true);
    expect(max(all.slice(-40)).every((v) => v === '–')).toBe(true);
    expect(max(all.slice(0, -40)).every((v) => v !== '–')).toBe(true);

    // A metadata column of numbers sorts as numbers, largest first (a text column starts ascending): 109 before 99.
    await page.locator('#slide-table thead th', { hasText: /^age$/ }).click();
    const ages = plan.slides.map((s) => Number(s.metadata?.age)).sort((a, b) => b - a);
    expect((await rows(page)).slice(0, 3).map((r) => Number(r[8]))).toEqual(ages.slice(0, 3));

    // 96 shards: the stage tables start collapsed, their counts in the summary line.
    expect(await page.locator('#stage-pack details.units').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator('#stage-pack details.units > summary').textContent()).toBe(`${plan.shards.list.length} unit(s)`);

    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([pathToFileURL(join(run, 'report.html')).href]);
    await close();
  });

  test('the text filter narrows rows by name and metadata, the status filter shows only failed slides', async () => {
    const { page, log, close } = await openPage(browser, pathToFileURL(join(run, 'report.html')).href);
    await page.locator('#slide-search').fill('slide-0012');
    expect(await countText(page)).toBe('10 of 1,000 slides');
    expect((await rows(page)).map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => `slide-0012${i}.svs`));

    await page.locator('#slide-search').fill('KYOTO');
    const kyoto = plan.slides.filter((s) => s.metadata?.site === 'kyoto');
    expect(await countText(page)).toBe(`${kyoto.length} of 1,000 slides`);
    expect((await rows(page)).map((r) => r[7])).toEqual(kyoto.map(() => 'kyoto'));

    await page.locator('#slide-search').fill('');
    await page.locator('#slide-status').selectOption('failed');
    const failed = await rows(page);
    expect(await countText(page)).toBe('40 of 1,000 slides');
    expect(failed.map((r) => r[0])).toEqual(plan.slides.filter((s) => s.status === 'failed').map((s) => s.name));
    expect(failed.every((r) => r[1] === 'failed' && r[6].startsWith('SLIDE_TRUNCATED: '))).toBe(true);
    expect(log.errors).toEqual([]);
    await close();
  });

  test('clicking a slide opens its page, whose pictures load from the run folder', async () => {
    const { page, log, close } = await openPage(browser, pathToFileURL(join(run, 'report.html')).href);
    const target = plan.slides[3];
    await page.locator('#slide-search').fill(target.name);
    await Promise.all([page.waitForEvent('load'), page.locator('#slide-table tbody a', { hasText: target.name }).click()]);
    expect(page.url()).toBe(pathToFileURL(join(run, 'report', 'slides', `${target.id}.html`)).href);
    const images = await page.evaluate(() => [...document.images].map((i) => ({ src: i.src, naturalWidth: i.naturalWidth })));
    expect(images.map((i) => i.src)).toEqual(
      [`qc/${target.id}.png`, `masks/${target.id}.png`, `heatmaps/${target.id}.png`].map((f) => pathToFileURL(join(run, f)).href),
    );
    expect(images.map((i) => i.naturalWidth)).toEqual([690, 345, 690]);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as rendered
    expect(await page.locator('.facts').innerText()).toMatch(/site\s+austin[\s\S]*label\s+tumor/);
    expect(log.errors).toEqual([]);
    expect(log.requests.every((u) => u.startsWith(pathToFileURL(run).href))).toBe(true);

    // The CSP stops what the page did not mean to load: a network picture and a fetch never leave the browser.
    const [requestsBefore, errorsBefore] = [log.requests.length, log.errors.length];
    const violations = await page.evaluate(async () => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
      const img = document.createElement('img');
      img.src = 'http://127.0.0.1:9/x.png';
      document.body.append(img);
      const fetched = await fetch('http://127.0.0.1:9/x.json').then(
        () => 'fetched',
        () => 'refused',
      );
      await new Promise((r) => setTimeout(r, 100));
      return { seen: seen.sort(), fetched };
    });
    expect(violations).toEqual({ seen: ['connect-src', 'img-src'], fetched: 'refused' });
    // Chromium reports the picture as a request it then blocked itself (the fetch is refused before one).
    expect(log.requests.slice(requestsBefore)).toEqual(['http://127.0.0.1:9/x.png']);
    expect(log.errors.slice(errorsBefore).filter((e) => e.startsWith('requestfailed:'))).toEqual([
      'requestfailed: http://127.0.0.1:9/x.png csp',
    ]);
    await close();
  });

  test('a rerun rewrites only changed pages and removes the pages of slides no longer in the plan', async () => {
    const edited = { ...plan, slides: plan.slides.slice(0, -1) };
    const removed = plan.slides[plan.slides.length - 1];
    expect(removed.status).toBe('failed'); // a failed slide: no shard refers to it, the plan stays valid
    edited.totals = { ...plan.totals, slides: plan.totals.slides - 1, failed: plan.totals.failed - 1 };
    await writeFile(join(run, 'plan.json'), JSON.stringify(edited));
    const r = await cli(['report', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    // The pages of every other slide hold "slide k of N", so they change with N.
    expect(parseJson(r)).toMatchObject({ slides: SLIDES - 1, pages: { written: SLIDES - 1, removed: 1 } });
    const pages = await readdir(join(run, 'report', 'slides'));
    expect(pages).toHaveLength(SLIDES - 1);
    expect(pages).not.toContain(`${removed.id}.html`);
    const again = await cli(['report', run, '--json']);
    expect(parseJson(again)).toMatchObject({ pages: { written: 0, unchanged: SLIDES - 1, removed: 0 } });
  });
});
