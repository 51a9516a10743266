// ONNX external data (weights in files beside the .onnx, required above 2 GB): listing the references
// of a decoded graph, checking the files are there before ONNX Runtime loads them, and writing a model
// with its large initializers moved out. The weights themselves are never read into JavaScript here.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type onnxProto from 'onnx-proto';
import { WsiHpcError } from '../errors.js';
import { onnx } from './onnx-builder.js';

export interface ExternalRef {
  initializer: string;
  /** Path relative to the folder of the .onnx file. */
  location: string;
  offset: number;
  /** Bytes, or null when the reference gives none (the rest of the file). */
  length: number | null;
}

/** The external-data references of a graph's initializers (empty for a model with embedded weights). */
export function externalRefs(graph: onnxProto.onnx.IGraphProto): ExternalRef[] {
  const refs: ExternalRef[] = [];
  for (const t of graph.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    refs.push({
      initializer: t.name ?? '',
      location: kv.get('location') ?? '',
      offset: Number(kv.get('offset') ?? 0),
      length: kv.has('length') ? Number(kv.get('length')) : null,
    });
  }
  return refs;
}

/**
 * Throws MODEL_INVALID naming the model, the initializer and the weights file when a reference points
 * to a missing file or past its end (ONNX Runtime's own message names neither the folder nor the fix).
 */
export async function checkExternalData(refs: ExternalRef[], modelFile: string, dir = dirname(resolve(modelFile))): Promise<void> {
  const sizes = new Map<string, number | null>();
  for (const ref of refs) {
    const path = join(dir, ref.location);
    if (!sizes.has(path))
      sizes.set(
        path,
        await stat(path).then(
          (s) => (s.isFile() ? s.size : null),
          () => null,
        ),
      );
    const size = sizes.get(path);
    const end = ref.offset + (ref.length ?? 0);
    if (ref.location === '' || size === null || size === undefined || end > size) {
      const why =
        ref.location === ''
          ? 'has no location'
          : size === null || size === undefined
            ? `is in ${path}, which does not exist`
            : `ends at byte ${end} of ${path}, which has ${size} bytes (truncated copy?)`;
      throw new WsiHpcError('MODEL_INVALID', `${modelFile}: the external data of initializer \`${ref.initializer}\` ${why}`, {
        file: modelFile,
        hint: `Keep the weights file(s) (${[...new Set(refs.map((r) => r.location))].join(', ')}) in the same folder as ${basename(modelFile)}, as when the model was saved`,
      });
    }
  }
}

/**
 * Writes `model` to `onnxPath` with every initializer of at least `minBytes` raw bytes moved to
 * `weightsName` in the same folder (ONNX external data: location, offset, length). Returns the weight bytes written.
 */
export function writeWithExternalData(model: onnxProto.onnx.IModelProto, onnxPath: string, weightsName: string, minBytes = 1024): number {
  mkdirSync(dirname(onnxPath), { recursive: true });
  const fd = openSync(join(dirname(onnxPath), weightsName), 'w');
  let offset = 0;
  try {
    const initializer = (model.graph?.initializer ?? []).map((t) => {
      const raw = t.rawData;
      if (!raw || raw.length < minBytes) return t;
      writeSync(fd, raw);
      const ref: onnxProto.onnx.ITensorProto = {
        name: t.name,
        dims: t.dims,
        dataType: t.dataType,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: weightsName },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(raw.length) },
        ],
      };
      offset += raw.length;
      return ref;
    });
    writeFileSync(onnxPath, onnx.ModelProto.encode({ ...model, graph: { ...model.graph, initializer } }).finish());
  } finally {
    closeSync(fd);
  }
  return offset;
}
