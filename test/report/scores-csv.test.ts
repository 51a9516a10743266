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

const NONE = { status: '', patches: null, max: null, topKMean: null, topK: null, mean: null, regions: null };

test.each([
  [
    'CRLF rows and a quoted name holding CRLF and a comma',
    'slide_id,name,status,patches,max\r\nx,"a\r\nb, c",merged,5,0.5\r\ny,d,failed,0,\r\n',
    [
      ['x', { ...NONE, status: 'merged', patches: 5, max: 0.5 }],
      ['y', { ...NONE, status: 'failed', patches: 0 }],
    ],
  ],
  ['only id and name columns: rows without scores', 'slide_id,name\nx,"a ""q"""\n', [['x', NONE]]],
  [
    'another top-k, a last row without newline, a non-numeric mean and blank lines',
    'slide_id,status,top5_mean,mean,regions\n\nz,merged,0.25,NaN,3\n,merged,1,1,1\nw,merged,,0.1,0',
    [
      ['z', { ...NONE, status: 'merged', topKMean: 0.25, topK: 5, regions: 3 }],
      ['w', { ...NONE, status: 'merged', topK: 5, mean: 0.1, regions: 0 }],
    ],
  ],
])('parseScoresCsv reads %s', (_name, text, expected) => {
  const s = parseScoresCsv(text);
  expect(s.size).toBe(expected.length);
  expect([...s.entries()]).toEqual(expected);
});

test('parseScoresCsv of an empty file is an empty map', () => {
  expect(parseScoresCsv('').size).toBe(0);
  expect(parseScoresCsv('slide_id,name\n').size).toBe(0);
});
