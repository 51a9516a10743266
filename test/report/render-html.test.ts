// renderHtml and renderSlidePage are pure: a hand-built model in, pages out. Escaping of every run
// and slide string (markup and inline JSON), the CSP, failure highlighting, log links, the study section.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_LAYOUT,
  escapeHref,
  escapeHtml,
  renderHtml,
  renderSlidePage,
  type ReportModel,
  type ReportSlide,
  type ReportUnit,
} from '../../src/report/index.js';

const EVIL = '<b>"x"$(y)</b>';
const PIXEL = { dataUri: 'data:image/png;base64,AAAA', width: 10, height: 8 };
const SCRIPT_BREAK = '</script><script>alert(1)</script>';

function slide(over: Partial<ReportSlide> = {}): ReportSlide {
  return {
    id: 'b-x-y-b-00000000',
    name: EVIL,
    path: `/data/${EVIL}`,
    status: 'planned',
    error: null,
    format: 'aperio-svs',
    width: 5000,
    height: 4000,
    mpp: 0.25,
    tissueFraction: 0.156,
    patches: 78,
    scores: { status: 'merged', patches: 78, max: 0.9123, topKMean: 0.5, topK: 10, mean: 0.2, regions: 1 },
    metadata: {},
    failures: [],
    images: { qc: 'qc/b-x-y-b-00000000.png', mask: 'masks/b-x-y-b-00000000.png', heatmap: null },
    ...over,
  };
}

function unit(over: Partial<ReportUnit> = {}): ReportUnit {
  return {
    unit: 'shard-00000',
    task: 0,
    status: 'done',
    seconds: 1.5,
    host: 'node1',
    patches: 78,
    patchesPerSecond: 52,
    provider: 'cpu',
    threads: 2,
    batchSize: 32,
    error: null,
    log: null,
    ...over,
  };
}

function model(over: Partial<ReportModel> = {}): ReportModel {
  const units = [
    unit(),
    unit({
      unit: 'shard-00001',
      task: 1,
      status: 'failed',
      error: { code: 'INFER_FAILED', message: `bad ${EVIL}` },
      log: { href: 'logs/infer/77_1.out', jobId: '77', exists: true },
    }),
  ];
  return {
    title: 'wsi-hpc report: run',
    folder: `/runs/${EVIL}`,
    generatedAt: '2026-01-01T00:00:00.000Z',
    reportVersion: '0.1.0',
    run: {
      planHash: 'ab'.repeat(32),
      paramsHash: 'cd'.repeat(32),
      toolVersion: '0.1.0',
      params: [
        ['grid.patchSizePx', '224'],
        ['masksDir', EVIL],
      ],
      totals: { slides: 2, planned: 1, failed: 1, patches: 78, shards: 2, bytes: 1e6 },
      tasks: 2,
      hasJobs: true,
      metadataColumns: [],
      slides: [
        slide(),
        slide({
          id: 'broken-1',
          name: 'broken.svs',
          status: 'failed',
          error: { code: 'SLIDE_TRUNCATED', message: EVIL, hint: 'recopy' },
          width: null,
          height: null,
          mpp: null,
          tissueFraction: null,
          patches: null,
          scores: null,
          images: { qc: null, mask: null, heatmap: null },
        }),
      ],
      stages: [{ stage: 'infer', units, counts: { done: 1, failed: 1, missing: 0 }, totalSeconds: 3 }],
    },
    study: null,
    ...over,
  };
}

describe('escapeHtml', () => {
  test.each([
    [EVIL, '&lt;b&gt;&quot;x&quot;$(y)&lt;/b&gt;'],
    ["it's & <i>", 'it&#39;s &amp; &lt;i&gt;'],
    [null, ''],
    [42, '42'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  test('escapeHref percent-encodes each path segment and keeps the slashes', () => {
    expect(escapeHref('logs/pack/1_0.out')).toBe('logs/pack/1_0.out');
    expect(escapeHref('logs/a"b/#1?.out')).toBe('logs/a%22b/%231%3F.out');
  });
});

/** The JSON blob of the slide table, as the page's script reads it. */
function tableData(html: string): { cols: Array<{ label: string; type: string }>; rows: unknown[][]; slides: string } {
  const m = /<script type="application\/json" id="slide-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m, 'no #slide-data blob').not.toBeNull();
  return JSON.parse(m?.[1] ?? 'null');
}

function page(m: ReportModel, index: number): string {
  const slides = m.run?.slides ?? [];
  return renderSlidePage(m, slides[index], {
    layout: DEFAULT_LAYOUT,
    topK: 'top-10 mean',
    metadataColumns: m.run?.metadataColumns ?? [],
    previous: slides[index - 1] ?? null,
    next: slides[index + 1] ?? null,
    index,
    count: slides.length,
  });
}

describe('renderHtml', () => {
  test('never lets a slide, path, parameter or error string become markup, on the first page or a slide page', () => {
    const m = model();
    const html = renderHtml(m);
    const slidePage = page(m, 0);
    for (const text of [html, slidePage]) {
      expect(text).not.toContain('<b>');
      expect(text).not.toContain('"x"');
    }
    expect(tableData(html).rows[0][1]).toBe(EVIL);
    expect(html.match(/&lt;b&gt;&quot;x&quot;\$\(y\)&lt;\/b&gt;/g)?.length).toBeGreaterThanOrEqual(3);
    expect(slidePage.match(/&lt;b&gt;&quot;x&quot;\$\(y\)&lt;\/b&gt;/g)?.length).toBeGreaterThanOrEqual(4);
  });

  test('a slide name holding </script> cannot close the table data or start a script', () => {
    const m = model();
    if (m.run) m.run.slides[0] = slide({ name: SCRIPT_BREAK, metadata: { site: SCRIPT_BREAK } });
    if (m.run) m.run.metadataColumns = ['site'];
    const html = renderHtml(m);
    expect(html.split('</script>')).toHaveLength(3); // the data block and the table script, nothing else
    expect(tableData(html).rows[0]).toContain(SCRIPT_BREAK);
    expect(page(m, 0)).not.toContain('<script');
  });

  test('works offline: one hashed inline script, no external reference, no picture, a CSP that forbids fetching', () => {
    const html = renderHtml(model());
    expect(html).not.toMatch(/<link|<img|https?:\/\//i);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((x) => x[1]);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]).digest('base64');
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${hash}'"`);
  });

  test('a slide page has no script, and its pictures are the run folder files by relative path', () => {
    const html = page(model(), 0);
    expect(html).not.toMatch(/<script|<link|https?:\/\//i);
    expect(html).toContain(`content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"`);
    expect([...html.matchAll(/<img src="([^"]+)"/g)].map((x) => x[1])).toEqual([
      '../../qc/b-x-y-b-00000000.png',
      '../../masks/b-x-y-b-00000000.png',
    ]);
    expect(html).toContain('<div class="placeholder">not merged yet</div>');
    expect(html).toContain('<a href="../../report.html">← all slides</a>');
    expect(html).toContain('<a rel="next" href="broken-1.html">broken.svs ›</a>');
  });

  test('marks a failed slide and a failed unit, and links the unit to its SLURM log', () => {
    const m = model();
    const html = renderHtml(m);
    const data = tableData(html);
    expect(data.cols.map((c) => c.label)).toEqual(['slide', 'status', 'patches', 'max', 'top-10 mean', 'tissue', 'failures / error']);
    expect(data.rows[1].slice(0, 3)).toEqual(['broken-1', 'broken.svs', 'failed']);
    expect(data.rows[1][7]).toBe(`SLIDE_TRUNCATED: ${EVIL}`);
    expect(data.slides).toBe('report/slides/');
    expect(page(m, 1)).toMatch(/<article class="slide-card failed"[^>]*>[\s\S]*SLIDE_TRUNCATED[\s\S]*hint: recopy/);
    expect(page(m, 1)).not.toContain('<figure>');
    expect(html).toMatch(/<tr class="failed"><td>shard-00001<\/td>/);
    expect(html).toContain('<a class="log" href="logs/infer/77_1.out">77_1.out</a>');
  });

  test('renders a study generically: every column of its table rows, and its frontier plot', () => {
    const html = renderHtml(
      model({
        run: null,
        study: { columns: ['config', 'patchAuc', 'froc'], rows: [{ config: EVIL, patchAuc: 0.91234, froc: null }], frontier: PIXEL },
      }),
    );
    expect(html).toContain('<section id="study"><h2>Study (1 configurations)</h2>');
    expect(html).toContain('<td>&lt;b&gt;&quot;x&quot;$(y)&lt;/b&gt;</td><td class="num">0.9123</td><td>–</td>');
    expect(html).toContain('alt="accuracy against cost frontier"');
    expect(html).not.toContain('id="slides"');
  });
});
