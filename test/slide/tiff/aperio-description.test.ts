// Aperio ImageDescription parsing.

import { expect, test } from 'vitest';
import { isAperioDescription, parseAperioDescription } from '../../../src/slide/tiff/aperio-description.js';

const REAL =
  'Aperio Image Library v11.2.1 \r\n46000x32914 [42673,5576 2220x2967] (240x240) JPEG/RGB Q=30;Aperio Image Library v10.0.51\r\n46920x33014 [0,100 46000x32914] (256x256) JPEG/RGB Q=30|AppMag = 20|StripeWidth = 2040|ScanScope ID = CPAPERIOCS|Filename = CMU-1|MPP = 0.4990|Left = 25.691574';

test('parses MPP, AppMag and all key = value pairs', () => {
  const parsed = parseAperioDescription(REAL);
  expect(parsed.mpp).toBe(0.499);
  expect(parsed.appMag).toBe(20);
  expect(parsed.properties).toMatchObject({ 'ScanScope ID': 'CPAPERIOCS', Filename: 'CMU-1', MPP: '0.4990' });
});

test.each([
  ['Aperio Image Library v10|AppMag = 40', null, 40],
  ['Aperio Image Library v10|MPP = 0|AppMag = x', null, null],
  ['Aperio Image Library v10', null, null],
  ['Aperio Image Library v10|MPP=0.25|junk|=3', 0.25, null],
])('parseAperioDescription(%j) gives mpp %j, appMag %j', (text, mpp, appMag) => {
  expect(parseAperioDescription(text)).toMatchObject({ mpp, appMag });
});

test.each([
  [REAL, true],
  ['ImageJ=1.52', false],
  ['', false],
])('isAperioDescription(%j) is %j', (text, expected) => {
  expect(isAperioDescription(text)).toBe(expected);
});
