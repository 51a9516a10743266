// The demo classifier's training labels read CAMELYON16 XML like `evaluate` does: `_2` is subtracted.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readTruth } from '../../../src/model/zoo/demo-classifier.js';
import { isTumourAt, sampleLabelledPoints } from '../../../src/model/zoo/index.js';
import { createUniformRng } from '../../../src/model/zoo/prng.js';
import { makeTempDir } from '../../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('demo-truth');
});
afterAll(() => tmp?.cleanup());

const rect = (group: string, x0: number, y0: number, x1: number, y1: number) =>
  `<Annotation Name="${group}" Type="Polygon" PartOfGroup="${group}"><Coordinates><Coordinate Order="0" X="${x0}" Y="${y0}" /><Coordinate Order="1" X="${x1}" Y="${y0}" /><Coordinate Order="2" X="${x1}" Y="${y1}" /><Coordinate Order="3" X="${x0}" Y="${y1}" /></Coordinates></Annotation>`;

test('a `_2` polygon inside a `_0` tumour is normal in the demo labels (sampled patches there are label 0)', async () => {
  await mkdir(join(tmp.dir, 'annotations'));
  await writeFile(
    join(tmp.dir, 'annotations', 'a.xml'),
    `<ASAP_Annotations><Annotations>${rect('_0', 0, 0, 1000, 1000)}${rect('_2', 0, 0, 500, 1000)}</Annotations></ASAP_Annotations>`,
  );
  const truth = await readTruth(tmp.dir, 'annotations/a.xml');
  expect(truth.regions.map((p) => p.group)).toEqual(['_0']);
  expect(truth.exclusions.map((p) => p.group)).toEqual(['_2']);
  expect([isTumourAt(truth, 250, 500), isTumourAt(truth, 750, 500)]).toEqual([false, true]);
  const tissue = [{ rings: truth.regions[0].rings }];
  const points = sampleLabelledPoints(tissue, truth, 100, createUniformRng(4));
  const positives = points.filter((p) => p.label === 1);
  expect(positives.length).toBeGreaterThan(10);
  for (const p of positives) expect(p.x).toBeGreaterThan(500);
});
