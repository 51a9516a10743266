// Hand-made annotation files used as --masks: a NaN coordinate and a FeatureCollection whose "features"
// is not an array fail the slide with MASK_INVALID naming the file and saying what is wrong.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slide: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('attack-annotations');
  await makeCohort(join(tmp.dir, 'slides'), 1, 3000, 2500, 5);
  slide = join(tmp.dir, 'slides', 'slide-001.tif');
}, 60_000);
afterAll(() => tmp?.cleanup());

const coordinate = (i: number, x: string, y: string) => `<Coordinate Order="${i}" X="${x}" Y="${y}"/>`;
const asap = (coords: string) =>
  `<?xml version="1.0"?><ASAP_Annotations><Annotations><Annotation Name="T1" Type="Polygon" PartOfGroup="_0"><Coordinates>${coords}</Coordinates></Annotation></Annotations></ASAP_Annotations>`;

test.each([
  [
    'an ASAP polygon with a NaN coordinate',
    '.xml',
    asap(coordinate(0, 'NaN', '10') + coordinate(1, '900', '10') + coordinate(2, '900', '900')),
    'ASAP annotation "T1" needs at least 3 numeric coordinates, found 3 of which 1 not finite numbers',
  ],
  [
    'a FeatureCollection whose features is an object',
    '.geojson',
    JSON.stringify({ type: 'FeatureCollection', features: { a: 1 } }),
    'Invalid GeoJSON: FeatureCollection "features" must be an array',
  ],
  [
    'a GeometryCollection whose geometries is a number',
    '.geojson',
    JSON.stringify({ type: 'GeometryCollection', geometries: 5 }),
    'Invalid GeoJSON: GeometryCollection "geometries" must be an array',
  ],
])(
  'a mask that is %s fails its slide with a message saying what is wrong',
  async (_name, ext, text, problem) => {
    const masks = join(tmp.dir, `masks-${n++}`);
    await mkdir(masks);
    const file = join(masks, `slide-001${ext}`);
    await writeFile(file, text);
    const r = await cli(['plan', slide, '--out', join(tmp.dir, `run-${n++}`), '--masks', masks, '--json']);
    expect(r.exitCode).toBe(1);
    const s = parseJson(r).slides[0];
    expect(s.error.code).toBe('MASK_INVALID');
    expect(s.error.message).toContain(file);
    expect(s.error.message).toContain(problem);
  },
  30_000,
);
