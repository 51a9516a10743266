// Tests of src/geometry/annotation-groups.ts and parse-annotations.ts: CAMELYON16 `_2` and
// CAMELYON17 `Exclusion` polygons are subtracted, unknown groups are reported, errors name the file.
import { describe, expect, test } from 'vitest';
import {
  ANNOTATION_GROUP_DEFAULTS,
  describeUnknownGroups,
  isInAnnotationSet,
  normalizeAnnotationGroups,
  parseAnnotationText,
  rasterizeAnnotationSet,
} from '../../src/geometry/index.js';

const rect = (x0: number, y0: number, x1: number, y1: number) => `<Coordinates>
  <Coordinate Order="0" X="${x0}" Y="${y0}" /><Coordinate Order="1" X="${x1}" Y="${y0}" />
  <Coordinate Order="2" X="${x1}" Y="${y1}" /><Coordinate Order="3" X="${x0}" Y="${y1}" /></Coordinates>`;

// A CAMELYON16-style file: tumour `_0` 0..100 square with a `_2` normal hole 40..60, a `_1` square
// 200..300, and a group "Stroma" that is neither.
const camelyon16 = `<?xml version="1.0"?><ASAP_Annotations><Annotations>
<Annotation Name="_0" Type="Polygon" PartOfGroup="_0">${rect(0, 0, 100, 100)}</Annotation>
<Annotation Name="_2" Type="Polygon" PartOfGroup="_2">${rect(40, 40, 60, 60)}</Annotation>
<Annotation Name="_1" Type="Spline" PartOfGroup="_1">${rect(200, 0, 300, 100)}</Annotation>
<Annotation Name="s" Type="Polygon" PartOfGroup="Stroma">${rect(400, 0, 500, 100)}</Annotation>
</Annotations></ASAP_Annotations>`;

describe('annotation sets', () => {
  test('a CAMELYON16 `_2` polygon is subtracted from the `_0` tumour around it', () => {
    const set = parseAnnotationText(camelyon16, '/data/tumor_001.xml', ANNOTATION_GROUP_DEFAULTS);
    expect(set.tumours.map((p) => p.group)).toEqual(['_0', '_1']);
    expect(set.exclusions.map((p) => p.group)).toEqual(['_2']);
    expect(isInAnnotationSet(set, 20, 20)).toBe(true);
    // Inside the `_2` hole: normal (the old code counted every group but "Exclusion" as tumour).
    expect(isInAnnotationSet(set, 50, 50)).toBe(false);
    expect(isInAnnotationSet(set, 250, 50)).toBe(true);
    // "Stroma" is neither tumour nor exclusion: left out, and reported naming the file and group.
    expect(isInAnnotationSet(set, 450, 50)).toBe(false);
    expect(set.unknownGroups).toEqual(['Stroma']);
    expect(describeUnknownGroups('/data/tumor_001.xml', set, ANNOTATION_GROUP_DEFAULTS)).toBe(
      '/data/tumor_001.xml: ignored annotation group(s) "Stroma": neither a tumour group (_0,_1,Tumor,metastases) nor an exclusion group (_2,Exclusion); list them in --tumour-groups or --exclude-groups',
    );
  });

  test('CAMELYON17 `metastases` minus `Exclusion`, and GeoJSON without a classification is tumour', () => {
    const xml = camelyon16.replace('PartOfGroup="_0"', 'PartOfGroup="metastases"').replace('PartOfGroup="_2"', 'PartOfGroup="Exclusion"');
    const set = parseAnnotationText(xml, 'a.xml', ANNOTATION_GROUP_DEFAULTS);
    expect([isInAnnotationSet(set, 20, 20), isInAnnotationSet(set, 50, 50)]).toEqual([true, false]);
    const geo = JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
      ],
    });
    expect(isInAnnotationSet(parseAnnotationText(geo, 'b.geojson', ANNOTATION_GROUP_DEFAULTS), 5, 5)).toBe(true);
  });

  test('custom groups: Stroma as tumour, _1 as exclusion', () => {
    const groups = normalizeAnnotationGroups({ tumour: ['_0, Stroma'], exclude: ['_2,_1'] });
    expect(groups).toEqual({ tumour: ['_0', 'Stroma'], exclude: ['_2', '_1'] });
    const set = parseAnnotationText(camelyon16, 'a.xml', groups);
    expect([20, 250, 450].map((x) => isInAnnotationSet(set, x, 20))).toEqual([true, false, true]);
    expect(set.unknownGroups).toEqual([]);
  });

  test.each([
    [{ tumour: ['_0,_2'] }, 'Expected a group in only one of `--tumour-groups` and `--exclude-groups`, received `_2` in both'],
    [{ exclude: [' , '] }, 'Expected `--exclude-groups` to be a comma list of group names, received ` , `'],
  ])('group lists %j are refused', (raw, message) => expect(() => normalizeAnnotationGroups(raw)).toThrowError(message));

  test('rasterization subtracts exclusions and agrees with the point test at pixel centres', () => {
    const set = parseAnnotationText(camelyon16, 'a.xml', ANNOTATION_GROUP_DEFAULTS);
    // 1/10 scale: 60 x 10 pixels; the `_0` square covers columns 0..9, the hole columns/rows 4..5.
    const raster = rasterizeAnnotationSet(set, 60, 10, 0.1);
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 60; x++) expect(raster[y * 60 + x], `${x},${y}`).toBe(isInAnnotationSet(set, x * 10 + 5, y * 10 + 5) ? 1 : 0);
    }
    expect(raster[4 * 60 + 4]).toBe(0);
    expect(raster.reduce((a, b) => a + b, 0)).toBe(100 - 4 + 100);
  });

  test('a file that cannot be parsed is an error naming it', () => {
    expect(() =>
      parseAnnotationText(
        '<ASAP_Annotations><Annotations><Annotation Type="Polygon"/></Annotations></ASAP_Annotations>',
        '/x/t.xml',
        ANNOTATION_GROUP_DEFAULTS,
      ),
    ).toThrowError('/x/t.xml: ASAP annotation "#0" needs at least 3 numeric coordinates, found 0');
    expect(() => parseAnnotationText('{', '/x/t.geojson', ANNOTATION_GROUP_DEFAULTS)).toThrowError(
      /^\/x\/t\.geojson: Could not parse GeoJSON/,
    );
  });
});
