// parseScoresCsv reads merge's scores.csv, quoted names and empty (failed) rows included.
import { expect, test } from 'vitest';
import { parseScoresCsv } from '../../src/report/index.js';

const CSV = [
  'slide_id,name,status,patches,max,top10_mean,mean,fraction_ge_0.5,regions',
  'b-x-y-b-1,"<b>""x""$(y)</b>, a.svs",merged,78,0.071917,0.067997,0.047201,0,0',
  'broken-2,broken.svs,failed,0,,,,,0',
  '',
].join('\n');

test('parseScoresCsv reads scores by slide id, with the k of the top-k column', () => {
  const s = parseScoresCsv(CSV);
  expect(s.get('b-x-y-b-1')).toEqual({
    status: 'merged',
    patches: 78,
    max: 0.071917,
    topKMean: 0.067997,
    topK: 10,
    mean: 0.047201,
    regions: 0,
  });
  expect(s.get('broken-2')).toEqual({ status: 'failed', patches: 0, max: null, topKMean: null, topK: 10, mean: null, regions: 0 });
  expect(s.size).toBe(2);
});

test.each([[''], ['slide_id,name\n'], ['slide_id,name\r\nx,"a\r\nb"\r\n']])('parseScoresCsv of %j has no scores to give', (text) => {
  const s = parseScoresCsv(text);
  for (const v of s.values()) expect(v.max).toBeNull();
});
