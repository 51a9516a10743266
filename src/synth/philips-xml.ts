// What makes our TIFF a Philips TIFF: the `DPUfsImport` XML of the first ImageDescription (DICOM-named
// attributes, one WSI DPScannedImage, a PixelDataRepresentation per level with its pixel spacing in mm,
// "row" then "column"), the per-level descriptions, and the tile-padded level sizes. Pure: no I/O.
import type { LevelSpec } from './types.js';

/** Philips TIFF's Software tag starts with this (OpenSlide checks the prefix "Philips"). */
export const PHILIPS_SOFTWARE = 'Philips DP v1.0';

/** One level as a Philips file stores it: TIFF size padded to whole tiles, downsample from the spacings. */
export interface PhilipsLevel {
  /** Tiles across x tile size, and tiles down x tile size (ImageWidth, ImageLength). */
  width: number;
  height: number;
  downsample: number;
  /** The level size OpenSlide reports: level 0's padded size divided by the downsample, rounded down. */
  openSlideWidth: number;
  openSlideHeight: number;
}

/**
 * Levels of a Philips file whose content is `width` x `height` level-0 pixels: level 0 padded to whole
 * tiles, then downsample 4, 16, ... until a level fits in one tile (at least two levels).
 */
export function planPhilipsLevels(width: number, height: number, tileSize: number): PhilipsLevel[] {
  const pad = (v: number) => Math.ceil(v / tileSize) * tileSize;
  const w0 = pad(width);
  const h0 = pad(height);
  const levels: PhilipsLevel[] = [];
  for (let downsample = 1; ; downsample *= 4) {
    const openSlideWidth = Math.floor(w0 / downsample);
    const openSlideHeight = Math.floor(h0 / downsample);
    levels.push({ width: pad(w0 / downsample), height: pad(h0 / downsample), downsample, openSlideWidth, openSlideHeight });
    if (levels.length >= 2 && Math.max(openSlideWidth, openSlideHeight) <= tileSize) return levels;
  }
}

/** The part of a level `writeLevel` renders: as many tiles as the padded TIFF level holds. */
export function renderedLevel(level: PhilipsLevel): LevelSpec {
  return { width: level.width, height: level.height, downsample: level.downsample };
}

export interface PhilipsDescribeInput {
  /** Microns per pixel at level 0, x (column spacing) and y (row spacing). */
  mppX: number;
  mppY: number;
  levels: readonly PhilipsLevel[];
  quality: number;
  /** Whether the file is BigTIFF (Philips writes it into the derivation description). */
  isBigTiff: boolean;
  /** Objective power written in DICOM_DERIVATION_DESCRIPTION's `levels=` (OpenSlide 4 reads it). */
  objectivePower: number;
  /** Barcode text, stored base64 as Philips does. */
  barcode: string;
  /** Base64 JPEGs of the label and macro photos (DPScannedImages LABELIMAGE and MACROIMAGE). */
  labelJpegBase64: string;
  macroJpegBase64: string;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// One <Attribute>; Group/Element are the DICOM (or Philips private) tag, PMSVR the value type.
function attr(depth: number, name: string, tag: [string, string], pmsvr: string, value: string): string {
  const pad = '\t'.repeat(depth);
  return `${pad}<Attribute Name="${name}" Group="${tag[0]}" Element="${tag[1]}" PMSVR="${pmsvr}">${esc(value)}</Attribute>`;
}

/** A DICOM_PIXEL_SPACING value: row spacing (y) then column spacing (x), in mm, each quoted. */
export function pixelSpacingMm(mppX: number, mppY: number, downsample: number): string {
  const mm = (mpp: number) => String(Number(((mpp * downsample) / 1000).toPrecision(9)));
  return `"${mm(mppY)}" "${mm(mppX)}"`;
}

// One PixelDataRepresentation of the WSI image: its spacing, padded size and number.
function representation(input: PhilipsDescribeInput, level: PhilipsLevel, index: number): string[] {
  return [
    '\t\t\t\t\t\t<DataObject ObjectType="PixelDataRepresentation">',
    attr(7, 'DICOM_PIXEL_SPACING', ['0x0028', '0x0030'], 'IDoubleArray', pixelSpacingMm(input.mppX, input.mppY, level.downsample)),
    attr(7, 'PIIM_DP_PIXEL_DATA_REPRESENTATION_POSITION', ['0x101D', '0x100B'], 'IDoubleArray', '"0" "0" "0"'),
    attr(7, 'PIIM_PIXEL_DATA_REPRESENTATION_COLUMNS', ['0x2001', '0x115E'], 'IUInt32', String(level.width)),
    attr(7, 'PIIM_PIXEL_DATA_REPRESENTATION_NUMBER', ['0x1001', '0x8B02'], 'IUInt16', String(index)),
    attr(7, 'PIIM_PIXEL_DATA_REPRESENTATION_ROWS', ['0x2001', '0x115D'], 'IUInt32', String(level.height)),
    '\t\t\t\t\t\t</DataObject>',
  ];
}

// A label or macro DPScannedImage: its type and the base64 JPEG.
function associated(type: 'LABELIMAGE' | 'MACROIMAGE', jpegBase64: string): string[] {
  return [
    '\t\t\t<DataObject ObjectType="DPScannedImage">',
    attr(4, 'PIM_DP_IMAGE_TYPE', ['0x301D', '0x1004'], 'IString', type),
    attr(4, 'PIM_DP_IMAGE_DATA', ['0x301D', '0x1005'], 'IString', jpegBase64),
    '\t\t\t</DataObject>',
  ];
}

/** The ImageDescription XML of the first IFD of a Philips TIFF. */
export function philipsDescription(input: PhilipsDescribeInput): string {
  const level0 = input.levels[0];
  const levelList = [input.objectivePower, ...input.levels.slice(1).map((_, k) => 10_000 + k)].join(',');
  const wsi = [
    '\t\t\t<DataObject ObjectType="DPScannedImage">',
    attr(4, 'PIM_DP_IMAGE_TYPE', ['0x301D', '0x1004'], 'IString', 'WSI'),
    attr(4, 'UFS_IMAGE_PIXEL_TRANSFORMATION_METHOD', ['0x301D', '0x2013'], 'IString', '0'),
    attr(4, 'DICOM_BITS_ALLOCATED', ['0x0028', '0x0100'], 'IUInt16', '8'),
    attr(4, 'DICOM_BITS_STORED', ['0x0028', '0x0101'], 'IUInt16', '8'),
    attr(
      4,
      'DICOM_DERIVATION_DESCRIPTION',
      ['0x0008', '0x2111'],
      'IString',
      `tiff-useBigTIFF=${input.isBigTiff ? 1 : 0}-useRgb=0-levels=${levelList}-processing=0-q${input.quality};PHILIPS UFS V1.6.5574`,
    ),
    attr(4, 'DICOM_HIGH_BIT', ['0x0028', '0x0102'], 'IUInt16', '7'),
    attr(4, 'DICOM_LOSSY_IMAGE_COMPRESSION', ['0x0028', '0x2110'], 'IString', '01'),
    attr(4, 'DICOM_LOSSY_IMAGE_COMPRESSION_METHOD', ['0x0028', '0x2114'], 'IStringArray', '"PHILIPS_TIFF_1_0"'),
    attr(4, 'DICOM_LOSSY_IMAGE_COMPRESSION_RATIO', ['0x0028', '0x2112'], 'IDoubleArray', '"3"'),
    attr(4, 'DICOM_PHOTOMETRIC_INTERPRETATION', ['0x0028', '0x0004'], 'IString', 'RGB'),
    attr(4, 'DICOM_PIXEL_REPRESENTATION', ['0x0028', '0x0103'], 'IUInt16', '0'),
    attr(4, 'DICOM_PIXEL_SPACING', ['0x0028', '0x0030'], 'IDoubleArray', pixelSpacingMm(input.mppX, input.mppY, 1)),
    attr(4, 'DICOM_PLANAR_CONFIGURATION', ['0x0028', '0x0006'], 'IUInt16', '0'),
    attr(4, 'DICOM_SAMPLES_PER_PIXEL', ['0x0028', '0x0002'], 'IUInt16', '3'),
    '\t\t\t\t<Attribute Name="PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE" Group="0x1001" Element="0x8B01" PMSVR="IDataObjectArray">',
    '\t\t\t\t\t<Array>',
    ...input.levels.flatMap((level, k) => representation(input, level, k)),
    '\t\t\t\t\t</Array>',
    '\t\t\t\t</Attribute>',
    attr(4, 'PIM_DP_IMAGE_COLUMNS', ['0x301D', '0x1007'], 'IUInt32', String(level0.width)),
    attr(4, 'PIM_DP_IMAGE_ROWS', ['0x301D', '0x1006'], 'IUInt32', String(level0.height)),
    attr(4, 'PIM_DP_SOURCE_FILE', ['0x301D', '0x1000'], 'IString', '%FILENAME%'),
    '\t\t\t</DataObject>',
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    '<DataObject ObjectType="DPUfsImport">',
    attr(1, 'DICOM_ACQUISITION_DATETIME', ['0x0008', '0x002A'], 'IString', '20240101120000.000000'),
    attr(1, 'DICOM_MANUFACTURER', ['0x0008', '0x0070'], 'IString', 'PHILIPS'),
    attr(1, 'DICOM_MANUFACTURERS_MODEL_NAME', ['0x0008', '0x1090'], 'IString', 'UFS Scanner'),
    attr(1, 'DICOM_DEVICE_SERIAL_NUMBER', ['0x0018', '0x1000'], 'IString', 'WSIHPC-SYNTH'),
    '\t<Attribute Name="PIM_DP_SCANNED_IMAGES" Group="0x301D" Element="0x1003" PMSVR="IDataObjectArray">',
    '\t\t<Array>',
    ...wsi,
    ...associated('LABELIMAGE', input.labelJpegBase64),
    ...associated('MACROIMAGE', input.macroJpegBase64),
    '\t\t</Array>',
    '\t</Attribute>',
    attr(1, 'PIM_DP_UFS_BARCODE', ['0x301D', '0x1002'], 'IString', Buffer.from(input.barcode, 'utf8').toString('base64')),
    attr(1, 'PIM_DP_UFS_INTERFACE_VERSION', ['0x301D', '0x1001'], 'IString', '3.0'),
    attr(1, 'DICOM_SOFTWARE_VERSIONS', ['0x0018', '0x1020'], 'IStringArray', '"1.6.5574"'),
    '</DataObject>',
    '',
  ].join('\n');
}

/** ImageDescription of a reduced level, as Philips writes it ("level=2 mag=2.5 quality=85"). */
export function philipsLevelDescription(index: number, objectivePower: number, downsample: number, quality: number): string {
  return `level=${index} mag=${objectivePower / downsample} quality=${quality}`;
}
