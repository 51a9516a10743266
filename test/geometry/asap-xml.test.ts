// Tests of src/geometry/asap-xml.ts: round trip, CAMELYON16 input quirks and malformed input.
import { expect, test } from 'vitest';
import { readAsapXml, renderAsapXml } from '../../src/geometry/index.js';
import type { Polygon } from '../../src/geometry/index.js';

const tumours: Polygon[] = [
  {
    name: 'Tumor 1',
    group: 'Tumor',
    rings: [
      [
        [10.5, 20],
        [30, 20.25],
        [25, 40],
      ],
    ],
  },
  {
    name: 'Tumor <2> & "b"',
    group: 'Tumor',
    rings: [
      [
        [100, 100],
        [200, 100],
        [200, 200],
        [100, 200],
      ],
    ],
  },
];

test('renderAsapXml output reads back as the same polygons', () => {
  expect(readAsapXml(renderAsapXml(tumours))).toEqual(tumours);
});

test('renderAsapXml writes CAMELYON16-style annotations and groups', () => {
  const xml = renderAsapXml(tumours.slice(0, 1));
  expect(xml).toContain('<Annotation Name="Tumor 1" Type="Polygon" PartOfGroup="Tumor" Color="#F4FA58">');
  expect(xml).toContain('<Coordinate Order="0" X="10.5" Y="20" />');
  expect(xml).toContain('<Group Name="Tumor" PartOfGroup="None" Color="#F4FA58">');
});

test('holes become annotations in the Exclusion group', () => {
  const donut: Polygon = {
    name: 'D',
    rings: [
      [
        [0, 0],
        [9, 0],
        [9, 9],
      ],
      [
        [1, 1],
        [2, 1],
        [2, 2],
      ],
    ],
  };
  const back = readAsapXml(renderAsapXml([donut]));
  expect(back.map((p) => [p.name, p.group])).toEqual([
    ['D', undefined],
    ['D hole 1', 'Exclusion'],
  ]);
});

test('readAsapXml sorts by Order, reads exponents and skips dots', () => {
  const xml = `<?xml version="1.0"?><ASAP_Annotations><Annotations>
    <Annotation Name="_0" Type="Polygon" PartOfGroup="_0"><Coordinates>
      <Coordinate Order="2" X="3" Y="3"/><Coordinate Order="0" X="1.0e+01" Y="1"/><Coordinate Order="1" X="2" Y="2"/>
    </Coordinates></Annotation>
    <Annotation Name="dot" Type="Dot" PartOfGroup="None"><Coordinates><Coordinate Order="0" X="1" Y="1"/></Coordinates></Annotation>
  </Annotations><AnnotationGroups/></ASAP_Annotations>`;
  expect(readAsapXml(xml)).toEqual([
    {
      name: '_0',
      group: '_0',
      rings: [
        [
          [10, 1],
          [2, 2],
          [3, 3],
        ],
      ],
    },
  ]);
});

test('an empty annotation list reads as no polygons', () => {
  expect(readAsapXml('<ASAP_Annotations><Annotations/></ASAP_Annotations>')).toEqual([]);
  expect(readAsapXml(renderAsapXml([]))).toEqual([]);
});

test('a document without the ASAP root is refused', () => {
  expect(() => readAsapXml('<Other/>')).toThrow('Expected an <ASAP_Annotations> root element');
});

test('a polygon with fewer than 3 coordinates is refused by name', () => {
  const xml =
    '<ASAP_Annotations><Annotations><Annotation Name="bad" Type="Polygon"><Coordinates><Coordinate Order="0" X="1" Y="1"/></Coordinates></Annotation></Annotations></ASAP_Annotations>';
  expect(() => readAsapXml(xml)).toThrow('ASAP annotation "bad" needs at least 3 numeric coordinates, found 1');
});
