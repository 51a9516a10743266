// `wsi-hpc report` end to end: a real small run built with the CLI (a slide named like markup, a
// truncated slide, a failed then repaired infer), rendered, opened in headless Chromium: the table on
// report.html, and each slide's own page with its pictures.
import { copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { addBrokenSlides, cli, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';
import { launchChromium, openPage, shouldSkipBrowser } from './browser.js';

// A file name cannot hold "/", so the closing tag is left out here; render-html.test.ts covers `</b>`.
const MARKUP_NAME = '<b>"x"$(y)<b>.svs';

let tmp: { dir: string; cleanup: () => Promise<void> };
let browser: Browser;
let run: string;
let plan: PlanFile;
let failedReport: string;

async function build(args: string[], expected: number[] = [0]): Promise<void> {
  const r = await cli(args);
  expect(expected, `${args.join(' ')}\n${String(r.stderr)}`).toContain(r.exitCode);
}

interface Rendered {
  title: string;
  rows: string[];
  statuses: string[];
  failures: string[];
  links: string[];
  boldElements: number;
  images: Array<{ alt: string; loaded: boolean; naturalWidth: number }>;
  stages: Record<string, Array<{ cells: string[]; isFailed: boolean; logHref: string | null }>>;
}

interface SlidePage {
  name: string;
  status: string;
  error: string;
  images: Array<{ alt: string; src: string; loaded: boolean; naturalWidth: number }>;
  errors: string[];
  requests: string[];
}

/** Opens each slide's page from the table's links, as a user would, and reads it. */
async function readSlidePages(reportPath: string, links: string[]): Promise<SlidePage[]> {
  const out: SlidePage[] = [];
  for (const href of links) {
    const { page, log, close } = await openPage(browser, new URL(href, pathToFileURL(reportPath)).href);
    const card = await page.evaluate(() => {
      const text = (e: Element | null) => (e?.textContent ?? '').trim();
      const c = document.querySelector('article.slide-card');
      return {
        name: text(c?.querySelector('h2.slide-name') ?? null),
        status: text(c?.querySelector('.badge') ?? null),
        error: text(c?.querySelector('.error') ?? null),
        images: [...document.images].map((i) => ({ alt: i.alt, src: i.src, loaded: i.complete, naturalWidth: i.naturalWidth })),
      };
    });
    out.push({ ...card, errors: log.errors, requests: log.requests });
    await close();
  }
  return out;
}

function readPage(page: Page): Promise<Rendered> {
  return page.evaluate(() => {
    const text = (e: Element | null) => (e?.textContent ?? '').trim();
    const stages: Rendered['stages'] = {};
    for (const s of document.querySelectorAll('section.stage')) {
      stages[(s as HTMLElement).dataset.stage ?? '?'] = [...s.querySelectorAll('tbody tr')].map((tr) => ({
        cells: [...tr.querySelectorAll('td')].map(text),
        isFailed: tr.classList.contains('failed'),
        logHref: tr.querySelector('a.log')?.getAttribute('href') ?? null,
      }));
    }
    return {
      title: document.title,
      rows: [...document.querySelectorAll('table.slides-table tbody tr')].map((tr) => text(tr.querySelector('td'))),
      statuses: [...document.querySelectorAll('table.slides-table tbody tr')].map((tr) => text(tr.querySelector('.badge'))),
      failures: [...document.querySelectorAll('table.slides-table tbody tr')].map((tr) => text(tr.querySelectorAll('td')[6] ?? null)),
      links: [...document.querySelectorAll('table.slides-table tbody tr a')].map((a) => a.getAttribute('href') ?? ''),
      boldElements: document.querySelectorAll('b').length,
      images: [...document.images].map((i) => ({ alt: i.alt, loaded: i.complete, naturalWidth: i.naturalWidth })),
      stages,
    };
  });
}

describe.skipIf(shouldSkipBrowser)('wsi-hpc report in headless Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    tmp = await makeTempDir('report');
    const slides = join(tmp.dir, 'slides');
    await build(['synth', slides, '--slides', '2', '--width', '5000', '--height', '4000', '--seed', '3', '-q']);
    await rename(join(slides, 'slide-002.svs'), join(slides, MARKUP_NAME));
    await addBrokenSlides(slides, join(slides, MARKUP_NAME));
    run = join(tmp.dir, 'run');
    await build(['plan', slides, '--out', run, '--patches-per-shard', '100', '-q'], [1]); // 1: the broken slides fail
    await build(['pack', run, '-q']);
    // A model of the wrong patch size fails every infer shard: the report must show that first.
    await build(['infer', run, '--model', await writeTinyModel(tmp.dir, { patchSizePx: 112 }), '-q'], [1]);
    failedReport = join(tmp.dir, 'failed.html');
    await build(['report', run, '--out', failedReport, '-q']);
    await build(['infer', run, '--model', await writeTinyModel(tmp.dir), '-q']);
    await build(['merge', run, '-q']);
    // As `submit` leaves them: one pack array job whose task 0 wrote its log.
    plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
    await mkdir(join(run, 'slurm'), { recursive: true });
    await writeFile(
      join(run, 'slurm', 'jobs.json'),
      JSON.stringify({
        schemaVersion: 1,
        planHash: plan.planHash,
        submittedAt: new Date().toISOString(),
        limits: { maxArraySize: 1001, maxJobCount: 10000 },
        jobs: [
          {
            stage: 'pack',
            chunk: 0,
            offset: 0,
            indices: plan.tasks.pack.map((t) => t.task),
            jobId: '4242',
            script: 'slurm/pack-c0.sbatch',
            attempt: 0,
          },
        ],
      }),
    );
    await mkdir(join(run, 'logs', 'pack'), { recursive: true });
    await writeFile(join(run, 'logs', 'pack', '4242_0.out'), 'packed\n');
  });
  afterAll(async () => {
    await browser?.close();
    await tmp?.cleanup();
  });

  test('shows every slide by its name as text, its pictures, scores, and the failed slides with their errors', async () => {
    const r = await cli(['report', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson(r);
    expect(result).toMatchObject({ path: join(run, 'report.html'), slides: 4, failedSlides: 2, failedUnits: 0 });
    const html = await readFile(result.path, 'utf8');
    // One inline script (the table), no stylesheet or picture to fetch: the slides' pictures are on their pages.
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<link\b|<img\b|url\(/i);

    const { page, log, close } = await openPage(browser, pathToFileURL(result.path).href);
    const shown = await readPage(page);
    expect(shown.title).toBe('wsi-hpc report: run');
    expect(shown.rows).toEqual(plan.slides.map((s) => s.name));
    expect(shown.rows).toContain(MARKUP_NAME);
    expect(shown.boldElements).toBe(0);
    expect(shown.images).toEqual([]);
    expect(shown.links).toEqual(plan.slides.map((s) => `report/slides/${s.id}.html`));
    const cards = await readSlidePages(result.path, shown.links);
    expect(cards.map((c) => c.name)).toEqual(plan.slides.map((s) => s.name));
    for (const c of cards) {
      const s = plan.slides.find((x) => x.name === c.name);
      expect(c.errors, c.name).toEqual([]);
      expect(
        c.requests.every((u) => u.startsWith(pathToFileURL(run).href)),
        c.requests.join('\n'),
      ).toBe(true);
      if (s?.status === 'failed') {
        expect(c).toMatchObject({ status: 'failed', images: [] });
        expect(c.error).toContain(`${s.error?.code}: ${s.error?.message}`);
        continue;
      }
      expect(c).toMatchObject({ status: 'merged', error: '' });
      expect(c.images.map((i) => i.src)).toEqual(
        [`qc/${s?.id}.png`, `masks/${s?.id}.png`, `heatmaps/${s?.id}.png`].map((f) => pathToFileURL(join(run, f)).href),
      );
      for (const img of c.images) {
        expect(img.loaded, img.alt).toBe(true);
        expect(img.naturalWidth, img.alt).toBeGreaterThan(0);
      }
    }
    expect(cards.find((c) => c.name === 'broken-truncated.svs')?.error).toContain('SLIDE_TRUNCATED');
    const markupRow = shown.rows.indexOf(MARKUP_NAME);
    expect(await page.locator('table.slides-table tbody tr').nth(markupRow).locator('td').nth(3).textContent()).toMatch(/^0\.\d{3}$/);

    const shards = plan.shards.list.map((s) => s.id);
    expect(shards.length).toBeGreaterThan(1);
    expect(shown.stages.pack.map((u) => u.cells[0])).toEqual(shards);
    expect(shown.stages.infer.every((u) => !u.isFailed && u.cells.includes('cpu'))).toBe(true);
    expect(shown.stages.merge).toHaveLength(1);
    const packTask0 = plan.tasks.pack[0].shards.length;
    expect(shown.stages.pack.slice(0, packTask0).every((u) => u.logHref === 'logs/pack/4242_0.out')).toBe(true);
    await expect(stat(join(run, 'logs/pack/4242_0.out'))).resolves.toBeTruthy();
    expect(
      log.requests.every((u) => u.startsWith('file:') || u.startsWith('data:')),
      log.requests.join('\n'),
    ).toBe(true);
    expect(log.errors).toEqual([]);

    const shot = join(tmp.dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    // REPORT_SCREENSHOT_DIR=/some/dir keeps the pictures for a look by eye.
    if (process.env.REPORT_SCREENSHOT_DIR) await copyFile(shot, join(process.env.REPORT_SCREENSHOT_DIR, 'report.png'));
    await close();
  });

  test('highlights failed infer shards with their error code while the slides are not yet merged', async () => {
    const { page, log, close } = await openPage(browser, pathToFileURL(failedReport).href);
    const shown = await readPage(page);
    expect(shown.stages.infer.length).toBe(plan.shards.list.length);
    for (const u of shown.stages.infer) {
      expect(u.isFailed).toBe(true);
      expect(u.cells.join(' ')).toContain('MODEL_MISMATCH');
    }
    expect(shown.stages.pack.every((u) => !u.isFailed)).toBe(true);
    expect(await page.locator('section.stage[data-stage="infer"]').evaluate((e) => e.classList.contains('has-failures'))).toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text as rendered
    expect(await page.locator('#stage-merge tbody tr').innerText()).toContain('not run');
    // The planned slides are not merged because their infer shards failed: the table says so.
    const planned = plan.slides.filter((s) => s.status === 'planned').map((s) => shown.rows.indexOf(s.name));
    expect(planned).toHaveLength(2);
    for (const k of planned) {
      expect(shown.statuses[k]).toBe('failed');
      expect(shown.failures[k]).toMatch(/infer shard-\d+: MODEL_MISMATCH/);
    }
    // Written outside the run folder, the pages still reach the run's pictures by relative path.
    expect(shown.links[planned[0]]).toMatch(/^failed\/slides\/.+\.html$/);
    const [card] = await readSlidePages(failedReport, [shown.links[planned[0]]]);
    expect(card.error).toContain('MODEL_MISMATCH');
    expect(card.images.map((i) => i.naturalWidth > 0)).toEqual([true, true]);
    expect(card.errors).toEqual([]);
    expect(log.errors).toEqual([]);
    if (process.env.REPORT_SCREENSHOT_DIR)
      await page.screenshot({ path: join(process.env.REPORT_SCREENSHOT_DIR, 'failed.png'), fullPage: true });
    await close();
  });

  test('adds the study section when RUN/study.json exists: its table rows and the frontier plot', async () => {
    const rows = [
      { config: 'stride224-mpp0.5', patchAuc: 0.93, froc: null, cohortCoreHours: 12.5 },
      { config: MARKUP_NAME, patchAuc: 0.88, froc: 0.41, cohortCoreHours: 3.25 },
    ];
    await writeFile(join(run, 'study.json'), JSON.stringify({ schemaVersion: 1, table: rows }));
    await writeFile(
      join(run, 'frontier.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240"><rect width="400" height="240" fill="#fff"/>' +
        '<polyline points="20,200 200,60 380,40" stroke="#2451a6" fill="none" stroke-width="3"/></svg>',
    );
    const out = join(tmp.dir, 'study.html');
    const r = await cli(['report', run, '--out', out]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout).trim()).toBe(out);
    const { page, log, close } = await openPage(browser, pathToFileURL(out).href);
    const study = await page.evaluate(() => ({
      headers: [...document.querySelectorAll('#study thead th')].map((e) => e.textContent),
      firstCells: [...document.querySelectorAll('#study tbody tr')].map((tr) => tr.querySelector('td')?.textContent),
      plot: [...document.querySelectorAll<HTMLImageElement>('#study img')].map((i) => i.naturalWidth),
      slideRows: document.querySelectorAll('table.slides-table tbody tr').length,
    }));
    expect(study).toEqual({
      headers: ['config', 'patchAuc', 'froc', 'cohortCoreHours'],
      firstCells: rows.map((x) => x.config),
      plot: [400],
      slideRows: 4,
    });
    expect(log.errors).toEqual([]);
    await close();
  });
});
