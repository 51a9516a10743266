// The report's scores.csv reader with the --slides-from metadata columns merge appends: they are ignored,
// whatever they hold (quoted commas, quotes, line breaks) or are named (meta_status, top5_mean).
import { expect, test } from 'vitest';
import { parseScoresCsv } from '../../src/report/index.js';
import { csvRow } from '../../src/util/csv.js';

const HEADER = ['slide_id', 'name', 'status', 'patches', 'max', 'top10_mean', 'mean', 'fraction_ge_0.5', 'regions'];
const ROWS = [
  ['a-1', 'a.svs', 'merged', 78, 0.071917, 0.067997, 0.047201, 0, 2],
  ['b-2', 'b.svs', 'failed', 0, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 0],
];

test('metadata columns after the scores change no score', () => {
  const plain = `${[HEADER, ...ROWS].map(csvRow).join('\n')}\n`;
  const meta = ['diagnosis', 'meta_status', 'top5_mean'];
  const values = [
    ['carcinoma, "ductal"\r\nsecond line', 'reviewed', '0.9'],
    ['=cmd()', '', 'x'],
  ];
  const withMeta = `\ufeff${[[...HEADER, ...meta], ...ROWS.map((r, i) => [...r, ...values[i]])].map(csvRow).join('\r\n')}\r\n`;
  const expected = parseScoresCsv(plain);
  expect(expected.get('a-1')).toMatchObject({ status: 'merged', patches: 78, topK: 10, topKMean: 0.067997, regions: 2 });
  expect(parseScoresCsv(withMeta)).toEqual(expected);
});
