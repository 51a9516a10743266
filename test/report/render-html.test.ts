// renderHtml is pure: a hand-built model in, one self-contained page out. Escaping of every
// run and slide string, failure highlighting, log links, and the generic study section.
import { describe, expect, test } from 'vitest';
import { escapeHref, escapeHtml, renderHtml, type ReportModel, type ReportSlide, type ReportUnit } from '../../src/report/index.js';

const EVIL = '<b>"x"$(y)</b>';
const PIXEL = { dataUri: 'data:image/png;base64,AAAA', width: 10, height: 8 };

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
    images: { qc: PIXEL, mask: PIXEL, heatmap: null },
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

describe('renderHtml', () => {
  test('never lets a slide, path, parameter or error string become markup', () => {
    const html = renderHtml(model());
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('"x"');
    expect(html.match(/&lt;b&gt;&quot;x&quot;\$\(y\)&lt;\/b&gt;/g)?.length).toBeGreaterThanOrEqual(8);
  });

  test('is self-contained: no script, no external reference, a CSP that forbids fetching', () => {
    const html = renderHtml(model());
    expect(html).not.toMatch(/<script|<link|https?:\/\//i);
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
    expect([...html.matchAll(/<img src="([^"]+)"/g)].every((m) => m[1].startsWith('data:image/'))).toBe(true);
  });

  test('marks a failed slide and a failed unit, and links the unit to its SLURM log', () => {
    const html = renderHtml(model());
    expect(html).toMatch(/<article class="slide-card failed" id="slide-broken-1"[^>]*>[\s\S]*SLIDE_TRUNCATED[\s\S]*hint: recopy/);
    expect(html).toMatch(/<tr class="failed"><td>shard-00001<\/td>/);
    expect(html).toContain('<a class="log" href="logs/infer/77_1.out">77_1.out</a>');
    expect(html).toContain('<div class="placeholder">not merged yet</div>');
    expect(html).toContain('top-10 mean');
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
