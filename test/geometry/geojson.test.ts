// Tests of src/geometry/geojson.ts: the GeoJSON shapes QuPath and others write, and malformed input.
import { expect, test } from 'vitest';
import { readGeoJsonPolygons, renderGeoJson } from '../../src/geometry/index.js';

const ring = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
  [0, 0],
];
const hole = [
  [2, 2],
  [2, 4],
  [4, 4],
  [2, 2],
];

test.each([
  ['a bare Polygon', { type: 'Polygon', coordinates: [ring] }, 1],
  ['a MultiPolygon with two parts', { type: 'MultiPolygon', coordinates: [[ring], [ring, hole]] }, 2],
  ['a Feature', { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }, 1],
  [
    'a FeatureCollection with a point and a line skipped',
    {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [1, 1] } },
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [1, 1],
              [2, 2],
            ],
          },
        },
        { type: 'Feature', geometry: null },
      ],
    },
    1,
  ],
  ['an empty FeatureCollection', { type: 'FeatureCollection', features: [] }, 0],
])('readGeoJsonPolygons reads %s', (_name, doc, expected) => {
  expect(readGeoJsonPolygons(JSON.stringify(doc))).toHaveLength(expected);
});

test('closing points are dropped and holes kept', () => {
  const [polygon] = readGeoJsonPolygons(JSON.stringify({ type: 'Polygon', coordinates: [ring, hole] }));
  expect(polygon.rings).toEqual([
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ],
    [
      [2, 2],
      [2, 4],
      [4, 4],
    ],
  ]);
});

test('QuPath names and classifications become name and group', () => {
  const doc = {
    type: 'Feature',
    properties: { name: 'T1', classification: { name: 'Tumor' } },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
  expect(readGeoJsonPolygons(JSON.stringify(doc))[0]).toMatchObject({ name: 'T1', group: 'Tumor' });
});

test('renderGeoJson output reads back as the same polygons', () => {
  const polygons = [
    {
      name: 'a',
      group: 'Tissue',
      rings: [
        [
          [0, 0],
          [5, 0],
          [5, 5],
        ] as [number, number][],
      ],
    },
  ];
  expect(readGeoJsonPolygons(renderGeoJson(polygons))).toEqual(polygons);
});

test.each([
  ['not JSON', '{', 'Could not parse GeoJSON'],
  ['an unknown type', '{"type":"Circle"}', 'Invalid GeoJSON: unknown GeoJSON type "Circle"'],
  ['a short ring', '{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}', 'a ring needs at least 3 distinct positions, found 2'],
  ['a bad position', '{"type":"Polygon","coordinates":[[[0,"a"],[1,1],[2,2]]]}', 'a position must be [x, y] numbers, received [0,"a"]'],
])('readGeoJsonPolygons refuses %s', (_name, text, message) => {
  expect(() => readGeoJsonPolygons(text)).toThrow(message);
});
