// Per-shard prediction files (docs/FORMAT.md): /probabilities float32 [N, C] in shard order,
// /slide_index and /grid_index int32 [N] copied from the shard, /slides/id, and provenance attributes.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { loadH5 } from './h5.js';

export const PREDICTIONS_LAYOUT_VERSION = 1;

export interface Predictions {
  probabilities: Float32Array;
  classes: number;
  slideIndex: Int32Array;
  gridIndex: Int32Array;
  slideIds: string[];
  attrs: Record<string, string | number>;
}

export async function writePredictions(path: string, p: Predictions): Promise<void> {
  const h5 = await loadH5();
  await mkdir(dirname(path), { recursive: true });
  const f = new h5.File(path, 'w');
  try {
    const n = p.slideIndex.length;
    f.create_dataset({ name: 'probabilities', data: p.probabilities, shape: [n, p.classes], dtype: '<f' });
    f.create_dataset({ name: 'slide_index', data: p.slideIndex, shape: [n], dtype: '<i' });
    f.create_dataset({ name: 'grid_index', data: p.gridIndex, shape: [n], dtype: '<i' });
    f.create_group('slides');
    f.create_dataset({ name: 'slides/id', data: p.slideIds });
    f.create_attribute('layout_version', PREDICTIONS_LAYOUT_VERSION, null, '<i');
    for (const [k, v] of Object.entries(p.attrs)) {
      if (typeof v === 'number') f.create_attribute(k, v, null, Number.isInteger(v) ? '<i' : '<d');
      else f.create_attribute(k, v);
    }
  } finally {
    f.close();
  }
}

export async function readPredictions(path: string): Promise<Predictions> {
  const h5 = await loadH5();
  const f = new h5.File(path, 'r');
  try {
    const ds = f.get('probabilities') as unknown as { shape: number[]; value: Float32Array } | null;
    if (!ds) throw new WsiHpcError('SHARD_CORRUPT', `${path}: no /probabilities dataset`, { file: path });
    const attrs: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(f.attrs as Record<string, { value: unknown }>)) attrs[k] = v.value as string | number;
    return {
      probabilities: ds.value,
      classes: ds.shape[1],
      slideIndex: (f.get('slide_index') as unknown as { value: Int32Array }).value,
      gridIndex: (f.get('grid_index') as unknown as { value: Int32Array }).value,
      slideIds: (f.get('slides/id') as unknown as { value: string[] }).value,
      attrs,
    };
  } finally {
    f.close();
  }
}
