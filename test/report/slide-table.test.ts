// The slide table's data (pure): a slide's state from its plan status, merge's scores and failed
// units; metadata columns in the slide list's order, typed as numbers only when every value is one;
// the max-score histogram of the summary.
import { describe, expect, test } from 'vitest';
import {
  renderScoreHistogram,
  type ReportRun,
  type ReportSlide,
  scoreHistogram,
  slideState,
  slideTableData,
} from '../../src/report/index.js';

function slide(over: Partial<ReportSlide> = {}): ReportSlide {
  return {
    id: 'a-00000001',
    name: 'a.svs',
    path: '/data/a.svs',
    status: 'planned',
    error: null,
    format: 'aperio-svs',
    width: 100,
    height: 100,
    mpp: 0.25,
    tissueFraction: 0.5,
    patches: 10,
    scores: null,
    metadata: {},
    failures: [],
    images: { qc: null, mask: null, heatmap: null },
    ...over,
  };
}

const MERGED = { status: 'merged', patches: 10, max: 0.9, topKMean: 0.5, topK: 5, mean: 0.2, regions: 1 };
const INFER_FAILED = { stage: 'infer' as const, unit: 'shard-00002', code: 'INFER_FAILED', message: 'out of memory' };

describe('slideState', () => {
  test.each([
    ['planned, nothing run yet', slide(), 'planned'],
    ['merged', slide({ scores: MERGED }), 'merged'],
    ['planning failed', slide({ status: 'failed', error: { code: 'SLIDE_TRUNCATED', message: 'ends early' } }), 'failed'],
    ['merge failed for it', slide({ scores: { ...MERGED, status: 'failed', max: null } }), 'failed'],
    ['an infer shard holding it failed', slide({ failures: [INFER_FAILED] }), 'failed'],
    ['merged after the failed shard was rerun', slide({ scores: MERGED, failures: [] }), 'merged'],
  ])('%s', (_name, s, expected) => {
    expect(slideState(s)).toBe(expected);
  });
});

describe('slideTableData', () => {
  const run = {
    metadataColumns: ['age', 'site'],
    slides: [
      slide({ scores: MERGED, metadata: { age: '61', site: 'oslo' } }),
      slide({ id: 'b-00000002', name: 'b.svs', failures: [INFER_FAILED], metadata: { age: '', site: '7' } }),
      slide({ id: 'c-00000003', name: 'c.svs', metadata: { age: '8.5', site: 'lyon' } }),
    ],
  } as unknown as ReportRun;

  test('rows carry id, name, state, scores, the failure and metadata in the list order', () => {
    const data = slideTableData(run, '../reports/my report/slides');
    expect(data.slides).toBe('../reports/my%20report/slides/');
    expect(data.cols.map((c) => [c.label, c.type])).toEqual([
      ['slide', 'name'],
      ['status', 'status'],
      ['patches', 'int'],
      ['max', 'score'],
      ['top-5 mean', 'score'],
      ['tissue', 'percent'],
      ['failures / error', 'text'],
      ['age', 'num'],
      ['site', 'text'],
    ]);
    expect(data.metaFrom).toBe(7);
    expect(data.rows).toEqual([
      ['a-00000001', 'a.svs', 'merged', 10, 0.9, 0.5, 0.5, '', '61', 'oslo'],
      ['b-00000002', 'b.svs', 'failed', 10, null, null, 0.5, 'infer shard-00002: INFER_FAILED', '', '7'],
      ['c-00000003', 'c.svs', 'planned', 10, null, null, 0.5, '', '8.5', 'lyon'],
    ]);
  });
});

describe('scoreHistogram', () => {
  test('counts scored slides in 20 bins, 1.0 in the last, unscored ones left out', () => {
    const slides = [0, 0.04, 0.05, 0.5, 0.999, 1, null].map((max, i) =>
      slide({ id: `s-${i}`, scores: max === null ? null : { ...MERGED, max } }),
    );
    const counts = scoreHistogram(slides);
    expect(counts).toHaveLength(20);
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBe(1);
    expect(counts[10]).toBe(1);
    expect(counts[19]).toBe(2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    const svg = renderScoreHistogram(slides);
    expect(svg.match(/<rect /g)).toHaveLength(20);
    expect(svg).toContain('<title>max 0.95–1.00: 2 slide(s)</title>');
    expect(svg).toContain('max score of 6 scored slide(s)');
    expect(renderScoreHistogram([slide()])).toBe('');
  });
});
