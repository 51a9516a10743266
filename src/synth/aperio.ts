// What makes our TIFF an Aperio SVS: the ImageDescription strings OpenSlide's aperio driver parses
// (AppMag, MPP after '|'; "label"/"macro" on the second line) and the IFD order it expects.
import type { LevelSpec, SynthSlideConfig } from './types.js';

const LIBRARY = 'Aperio Image Library v12.0.5';

export type ImageRole = { kind: 'level'; index: number } | { kind: 'thumbnail' } | { kind: 'label' } | { kind: 'macro' };

/** IFD order of an SVS: level 0, thumbnail, the other levels, label, macro. */
export function aperioOrder(levelCount: number): ImageRole[] {
  const levels = Array.from({ length: levelCount - 1 }, (_, k): ImageRole => ({ kind: 'level', index: k + 1 }));
  return [{ kind: 'level', index: 0 }, { kind: 'thumbnail' }, ...levels, { kind: 'label' }, { kind: 'macro' }];
}

/** Objective power implied by the MPP (0.5 → 20x, 0.25 → 40x). */
export function appMag(mppX: number): number {
  return Math.max(1, Math.round(10 / mppX));
}

type DescribeConfig = Pick<SynthSlideConfig, 'width' | 'height' | 'tileSize' | 'quality' | 'mppX' | 'seed'>;

/** ImageDescription of `role` in an Aperio file; `size` is that image's own (width, height). */
export function aperioDescription(
  config: DescribeConfig,
  stem: string,
  role: ImageRole,
  size: Pick<LevelSpec, 'width' | 'height'>,
): string {
  const { width: w, height: h, tileSize: t } = config;
  const base = `${w}x${h} [0,100 ${w}x${h}] (${t}x${t})`;
  switch (role.kind) {
    case 'label':
      return `${LIBRARY}\nlabel ${size.width}x${size.height}`;
    case 'macro':
      return `${LIBRARY}\nmacro ${size.width}x${size.height}`;
    case 'thumbnail':
      return `${LIBRARY}\n${base} -> ${size.width}x${size.height} RAW`;
    case 'level':
      if (role.index > 0) return `${LIBRARY}\r\n${base} -> ${size.width}x${size.height} JPEG/RGB Q=${config.quality}`;
  }
  const fields = [
    `AppMag = ${appMag(config.mppX)}`,
    'StripeWidth = 2040',
    'ScanScope ID = WSIHPC-SYNTH',
    `Filename = ${stem}`,
    'Date = 01/01/24',
    'Time = 12:00:00',
    'Time Zone = GMT+0000',
    'User = wsi-hpc synth',
    `MPP = ${config.mppX}`,
    'Left = 25.000000',
    'Top = 20.000000',
    `ImageID = ${config.seed}`,
    `OriginalWidth = ${w}`,
    `OriginalHeight = ${h}`,
  ];
  return `${LIBRARY}\r\n${base} JPEG/RGB Q=${config.quality}|${fields.join('|')}`;
}

/** ImageDescription of a generic-TIFF level: plain text no vendor driver claims. */
export function genericDescription(config: DescribeConfig, level: number): string {
  return `wsi-hpc synthetic slide; seed=${config.seed}; level=${level}; mpp=${config.mppX}; size=${config.width}x${config.height}`;
}
