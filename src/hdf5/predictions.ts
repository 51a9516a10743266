// Per-shard prediction files (docs/FORMAT.md): /probabilities float32 [N, C] in shard order,
// /slide_index and /grid_index int32 [N] copied from the shard, /slides/id, and provenance attributes
// (PREDICTIONS_ATTRS) that merge checks against the plan and across shards.
import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { createFeaturesFile, readFeatureRows, type FeatureRows } from './features.js';
import { loadH5 } from './h5.js';

export const PREDICTIONS_LAYOUT_VERSION = 1;

/** Attributes infer writes on every predictions file (all required by merge). */
export const PREDICTIONS_ATTRS = [
  'shard_id',
  'plan_hash',
  'count',
  'model_name',
  'model_sha256',
  'card_sha256',
  'positive_index',
  'provider',
] as const;

/** SHA-256 of what infer stored (features as stored, else probabilities), recorded in the infer marker. */
export function predictionsChecksum(p: Pick<Predictions, 'probabilities' | 'features'>): string {
  const d = p.features?.data ?? p.probabilities;
  return createHash('sha256')
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest('hex');
}

/** SHA-256 of /probabilities as little-endian float32 bytes, recorded in the infer marker. */
export function probabilitiesChecksum(probabilities: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(probabilities.buffer, probabilities.byteOffset, probabilities.byteLength))
    .digest('hex');
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

// We write the superblock at offset 0; checking it first keeps h5wasm from printing HDF5's error
// stack for a truncated or foreign file.
async function checkSignature(path: string): Promise<void> {
  const head = Buffer.alloc(8);
  try {
    const h = await open(path, 'r');
    try {
      await h.read(head, 0, 8, 0);
    } finally {
      await h.close();
    }
  } catch (err) {
    throw new WsiHpcError('PREDICTIONS_MISMATCH', `${path}: cannot open the predictions (${(err as NodeJS.ErrnoException).code ?? err})`, {
      file: path,
      cause: err,
      hint: 'Rerun `wsi-hpc infer` for this shard',
    });
  }
  if (!head.equals(HDF5_SIGNATURE)) {
    throw new WsiHpcError('PREDICTIONS_MISMATCH', `${path}: not an HDF5 predictions file (truncated or overwritten?)`, {
      file: path,
      hint: 'Delete it and rerun `wsi-hpc infer` for this shard',
    });
  }
}

export interface Predictions {
  /** Empty for a features model (then `features` holds its output). */
  probabilities: Float32Array;
  /** A features model's `/features` [N, D] (docs/FORMAT.md), instead of probabilities. */
  features?: FeatureRows;
  classes: number;
  slideIndex: Int32Array;
  gridIndex: Int32Array;
  slideIds: string[];
  attrs: Record<string, string | number>;
}

export async function writePredictions(path: string, p: Predictions): Promise<void> {
  const h5 = await loadH5();
  await mkdir(dirname(path), { recursive: true });
  const f = p.features ? await createFeaturesFile(path, p.features) : new h5.File(path, 'w');
  try {
    const n = p.slideIndex.length;
    if (!p.features) f.create_dataset({ name: 'probabilities', data: p.probabilities, shape: [n, p.classes], dtype: '<f' });
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
  await checkSignature(path);
  const f = new h5.File(path, 'r');
  const missing = (what: string): never => {
    throw new WsiHpcError('PREDICTIONS_MISMATCH', `${path}: ${what}`, {
      file: path,
      hint: 'Delete it and rerun `wsi-hpc infer` for this shard',
    });
  };
  try {
    // A truncated file keeps its signature but HDF5 cannot open it (a dead handle) or its datasets.
    if (!((f as unknown as { file_id: bigint }).file_id >= 0n)) missing('HDF5 cannot open it (truncated or damaged?)');
    type Ds = { shape: number[] | null; value: unknown } | null;
    const get = (name: string) => {
      const ds = (f.get(name) as unknown as Ds) ?? missing(`no /${name} dataset`);
      return Array.isArray(ds.shape)
        ? (ds as { shape: number[]; value: unknown })
        : missing(`/${name} is unreadable (truncated or damaged?)`);
    };
    const features = f.get('features')
      ? ((await readFeatureRows(f, 'features')) ?? missing('/features is not float16 or float32 [N, D]'))
      : null;
    const ds = features ? null : get('probabilities');
    if (ds && ds.shape.length !== 2) missing(`/probabilities has shape [${ds.shape.join(', ')}], expected [N, C]`);
    const attrs: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(f.attrs as Record<string, { value: unknown }>)) {
      attrs[k] = typeof v.value === 'bigint' ? Number(v.value) : (v.value as string | number);
    }
    return {
      probabilities: ds ? (ds.value as Float32Array) : new Float32Array(0),
      classes: ds ? ds.shape[1] : 0,
      ...(features ? { features } : {}),
      slideIndex: get('slide_index').value as Int32Array,
      gridIndex: get('grid_index').value as Int32Array,
      slideIds: get('slides/id').value as string[],
      attrs,
    };
  } finally {
    f.close();
  }
}
