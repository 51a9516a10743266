// Writes the zoo into a folder: NAME.onnx + NAME.json per model, and zoo.json recording each
// model's recipe and content hashes so that a rerun skips models whose files are already what
// the same recipe made. Builders live in their own files; this only orchestrates and hashes.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { writeWithExternalData } from '../external-data.js';
import { onnx } from '../onnx-builder.js';
import { hashJson, sha256 } from '../../util/hash.js';
import { trainDemoModel } from './demo-classifier.js';
import type { TrainDemoOptions } from './demo-options.js';
import { buildGoogLeNet } from './googlenet.js';
import { buildResNet18 } from './resnet18.js';
import { buildVitProto, VIT_B16, VIT_S16 } from './vit.js';

/** Bump when a builder changes what it writes, so that old files are rebuilt (2: cards declare `dense`). */
export const ZOO_RECIPE_VERSION = 2;
export const ZOO_MODELS = ['googlenet', 'resnet18', 'demo', 'vit-s16', 'vit-b16'] as const;
export type ZooModelName = (typeof ZOO_MODELS)[number];
/** File stem of each model: NAME.onnx and NAME.json. */
const STEMS: Record<ZooModelName, string> = {
  googlenet: 'googlenet',
  resnet18: 'resnet18',
  demo: 'demo-tumour',
  'vit-s16': 'vit-s16',
  'vit-b16': 'vit-b16',
};
/** Models saved with external data: their weights go to NAME.onnx.data beside NAME.onnx. */
const EXTERNAL_DATA: readonly ZooModelName[] = ['vit-b16'];
export const ZOO_MANIFEST = 'zoo.json';

export interface BuildModelsOptions {
  outDir: string;
  /** Models to build. @default all of ZOO_MODELS */
  only?: readonly string[];
  /** Weight seed of the benchmark nets. @default 1 */
  seed?: number;
  /** Rebuild even when zoo.json says the files are current. @default false */
  force?: boolean;
  /** Options of the demo classifier's training (outDir is this call's). */
  demo?: Omit<TrainDemoOptions, 'outDir'>;
  onLog?: (message: string) => void;
}

export interface BuiltModelEntry {
  name: ZooModelName;
  /** File stem: NAME.onnx and NAME.json (demo-tumour for the demo classifier). */
  stem: string;
  status: 'written' | 'unchanged';
  recipe: string;
  onnxSha256: string;
  cardSha256: string;
  /** SHA-256 of NAME.onnx.data for a model saved with external data. */
  dataSha256?: string;
  params?: number;
  flopsPerImage?: number;
  elapsedMs: number;
}

type ManifestEntry = Pick<BuiltModelEntry, 'stem' | 'recipe' | 'onnxSha256' | 'cardSha256' | 'dataSha256' | 'params' | 'flopsPerImage'>;

async function fileSha256(path: string): Promise<string | null> {
  return existsSync(path) ? sha256(await readFile(path)) : null;
}

async function readManifest(outDir: string): Promise<Record<string, ManifestEntry>> {
  const path = join(outDir, ZOO_MANIFEST);
  return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as { models: Record<string, ManifestEntry> }).models : {};
}

/** Validate `--only`: every name must be a zoo model. */
export function normalizeZooNames(only: readonly string[] | undefined): ZooModelName[] {
  if (only === undefined) return [...ZOO_MODELS];
  const unknown = only.filter((n) => !(ZOO_MODELS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new OptionError(
      `Expected --only to name zoo models, received \`${unknown.join(',')}\``,
      `Valid names: ${ZOO_MODELS.join(', ')} (default: all).`,
    );
  return ZOO_MODELS.filter((n) => only.includes(n));
}

// Builds one model in memory (benchmark nets) or trains it (demo, which writes its own files).
async function build(
  name: ZooModelName,
  options: BuildModelsOptions,
): Promise<{ bytes: Uint8Array; cardText: string; params?: number; flopsPerImage?: number }> {
  if (name === 'demo') {
    const r = await trainDemoModel({ ...options.demo, outDir: options.outDir, onLog: options.onLog });
    return { bytes: r.bytes, cardText: await readFile(r.cardPath, 'utf8') };
  }
  if (name === 'vit-s16' || name === 'vit-b16') {
    const vit = buildVitProto(name === 'vit-s16' ? VIT_S16 : VIT_B16, { seed: options.seed ?? 1 });
    const cardText = `${JSON.stringify(vit.card, null, 2)}\n`;
    const common = { cardText, params: vit.params, flopsPerImage: vit.flopsPerImage };
    if (!EXTERNAL_DATA.includes(name)) return { bytes: onnx.ModelProto.encode(vit.proto).finish(), ...common };
    // Saved with external data: the graph file and NAME.onnx.data are written here (as the demo writes its own files).
    const onnxPath = join(options.outDir, `${STEMS[name]}.onnx`);
    writeWithExternalData(vit.proto, onnxPath, `${STEMS[name]}.onnx.data`);
    await writeFileAtomic(join(options.outDir, `${STEMS[name]}.json`), cardText);
    return { bytes: await readFile(onnxPath), ...common };
  }
  const model = (name === 'googlenet' ? buildGoogLeNet : buildResNet18)({ seed: options.seed ?? 1 });
  return {
    bytes: model.bytes,
    cardText: `${JSON.stringify(model.card, null, 2)}\n`,
    params: model.params,
    flopsPerImage: model.flopsPerImage,
  };
}

/** Build the selected zoo models into `outDir`, skipping those whose recipe and files are unchanged. */
export async function buildModels(options: BuildModelsOptions): Promise<BuiltModelEntry[]> {
  const names = normalizeZooNames(options.only);
  const manifest = await readManifest(options.outDir);
  const results: BuiltModelEntry[] = [];
  for (const name of names) {
    const started = performance.now();
    const recipe = hashJson({
      name,
      version: ZOO_RECIPE_VERSION,
      seed: options.seed ?? 1,
      demo: name === 'demo' ? { ...options.demo, onLog: undefined } : null,
    });
    const known = manifest[name];
    if (
      !options.force &&
      known?.recipe === recipe &&
      (await fileSha256(join(options.outDir, `${known.stem}.onnx`))) === known.onnxSha256 &&
      (await fileSha256(join(options.outDir, `${known.stem}.json`))) === known.cardSha256 &&
      (known.dataSha256 === undefined || (await fileSha256(join(options.outDir, `${known.stem}.onnx.data`))) === known.dataSha256)
    ) {
      results.push({ name, ...known, status: 'unchanged', elapsedMs: Math.round(performance.now() - started) });
      continue;
    }
    const stem = STEMS[name];
    const onnxPath = join(options.outDir, `${stem}.onnx`);
    const cardPath = join(options.outDir, `${stem}.json`);
    const before = [await fileSha256(onnxPath), await fileSha256(cardPath)];
    const built = await build(name, options);
    const entry: ManifestEntry = {
      stem,
      recipe,
      onnxSha256: sha256(built.bytes),
      cardSha256: sha256(built.cardText),
      ...(EXTERNAL_DATA.includes(name) ? { dataSha256: (await fileSha256(join(options.outDir, `${stem}.onnx.data`))) ?? '' } : {}),
      params: built.params,
      flopsPerImage: built.flopsPerImage,
    };
    // Same bytes as were on disk: leave the files (and their mtimes) alone. The demo has written its own.
    const isSame = before[0] === entry.onnxSha256 && before[1] === entry.cardSha256;
    if (!isSame && name !== 'demo' && !EXTERNAL_DATA.includes(name)) {
      await writeFileAtomic(onnxPath, built.bytes);
      await writeFileAtomic(cardPath, built.cardText);
    }
    manifest[name] = entry;
    await writeFileAtomic(join(options.outDir, ZOO_MANIFEST), `${JSON.stringify({ schemaVersion: 1, models: manifest }, null, 2)}\n`);
    results.push({ name, ...entry, status: isSame ? 'unchanged' : 'written', elapsedMs: Math.round(performance.now() - started) });
    options.onLog?.(`${name}: ${isSame ? 'unchanged' : 'written'} ${stem}.onnx (${(built.bytes.length / 2 ** 20).toFixed(2)} MiB)`);
  }
  return results;
}
