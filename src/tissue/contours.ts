// Tissue outlines as GeoJSON in level-0 pixel coordinates (QuPath/ASAP-compatible), traced
// with d3-contour's marching squares on the binary mask. Pure.
import { contours } from 'd3-contour';
import type { BinaryMask } from './types.js';

export interface TissueFeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    properties: { objectType: 'annotation'; classification: { name: string }; areaPx: number };
    geometry: { type: 'Polygon'; coordinates: number[][][] };
  }>;
}

/** Polygons (outer ring then holes) in mask-pixel units, x right and y down. */
export function traceMask(mask: BinaryMask): number[][][][] {
  if (mask.width === 0 || mask.height === 0) return [];
  const values = Float64Array.from(mask.data);
  const [multi] = contours().size([mask.width, mask.height]).smooth(false).thresholds([0.5])(values as unknown as number[]);
  return multi ? (multi.coordinates as number[][][][]) : [];
}

function ringArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}

export function maskToGeoJson(mask: BinaryMask, scaleX: number, scaleY: number, className = 'Tissue'): TissueFeatureCollection {
  const polygons = traceMask(mask);
  return {
    type: 'FeatureCollection',
    features: polygons.map((rings) => {
      const scaled = rings.map((ring) => ring.map(([x, y]) => [round2(x * scaleX), round2(y * scaleY)]));
      const areaPx = ringArea(scaled[0]) - scaled.slice(1).reduce((s, r) => s + ringArea(r), 0);
      return {
        type: 'Feature' as const,
        properties: { objectType: 'annotation' as const, classification: { name: className }, areaPx: Math.round(areaPx) },
        geometry: { type: 'Polygon' as const, coordinates: scaled },
      };
    }),
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
