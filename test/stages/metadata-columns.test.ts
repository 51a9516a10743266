// metadataColumns: the slide list's columns appended by merge, `meta_` on a clash (repeated until unique),
// '' for slides without metadata; values are the slide's own strings only.
import { expect, test } from 'vitest';
import { metadataColumns } from '../../src/stages/merge/metadata-columns.js';

const SCORES = ['slide_id', 'name', 'status', 'patches'];

test('no slide list: no columns, no values', () => {
  const m = metadataColumns({}, SCORES);
  expect(m.header).toEqual([]);
  expect(m.values({ metadata: { x: '1' } })).toEqual([]);
});

test('a column named like an existing one gets meta_, repeated until the name is free', () => {
  const m = metadataColumns({ slideList: { file: '/l.csv', columns: ['status', 'meta_status', 'diagnosis', 'name'] } }, SCORES);
  expect(m.header).toEqual(['meta_meta_status', 'meta_status', 'diagnosis', 'meta_name']);
  expect(m.values({ metadata: { status: 's', meta_status: 'm', diagnosis: 'd, "x"', name: 'n' } })).toEqual(['s', 'm', 'd, "x"', 'n']);
});

test("a slide without metadata (named on the command line) gets ''; inherited and non-string values are not read", () => {
  const m = metadataColumns({ slideList: { file: '/l.csv', columns: ['constructor', 'n'] } }, SCORES);
  expect(m.values({})).toEqual(['', '']);
  expect(m.values({ metadata: { n: 3 } as unknown as Record<string, string> })).toEqual(['', '']);
});
