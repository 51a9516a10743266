// Paints the slide's pixel classes (background, stroma, tumour, pen colours) into a raster at any
// scale and offset, from the layout polygons. Pure. Class ids index PIXEL_CLASSES.
import { rasterizePolygons } from '../geometry/index.js';
import type { Polygon } from '../geometry/index.js';
import { PIXEL_CLASSES } from './types.js';
import type { PenColour, PixelClass, SlideLayout } from './types.js';

export const CLASS_ID = Object.freeze(Object.fromEntries(PIXEL_CLASSES.map((c, i) => [c, i])) as Record<PixelClass, number>);

export function penClass(colour: PenColour): PixelClass {
  return `pen-${colour}`;
}

/** Every polygon whose outline is a class boundary, for finding tiles that need compositing. */
export function boundaryPolygons(layout: SlideLayout): Polygon[] {
  return [...layout.tissue, ...layout.tumours, ...layout.pens.map((p) => p.outline)];
}

/**
 * Class ids of a `width` x `height` window; `scale` is window pixels per level-0 pixel and the offsets
 * place the window in scaled pixels, as in rasterizePolygons. Later layers win: tissue, tumour, pens.
 */
export function paintLabels(layout: SlideLayout, width: number, height: number, scale: number, offsetX = 0, offsetY = 0): Uint8Array {
  const into = new Uint8Array(width * height);
  const paint = (polygons: Polygon[], value: number, fillRule: 'evenodd' | 'nonzero') =>
    rasterizePolygons(polygons, width, height, scale, { into, value, offsetX, offsetY, fillRule });
  paint(layout.tissue, CLASS_ID.stroma, 'evenodd');
  paint(layout.tumours, CLASS_ID.tumour, 'evenodd');
  for (const pen of layout.pens) paint([pen.outline], CLASS_ID[penClass(pen.colour)], 'nonzero');
  return into;
}
