// Reading and decoding a user's .onnx file: every failure (missing, empty, truncated, not ONNX at
// all) becomes MODEL_INVALID naming the file, never a protobuf stack. Checking against the card is validate-for-infer.ts.
import { readFile } from 'node:fs/promises';
import type onnxProto from 'onnx-proto';
import { WsiHpcError } from '../errors.js';
import { decodeModel } from './onnx-builder.js';

const REEXPORT_HINT =
  'Re-export the model (e.g. torch.onnx.export or tf2onnx) or copy it again (a partial copy is truncated); `wsi-hpc model inspect FILE` shows what a file holds';

/** The bytes of a model file; a missing or unreadable file is MODEL_INVALID naming it. */
export async function readModelBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not an .onnx file' : `cannot be read (${code ?? err})`;
    throw new WsiHpcError('MODEL_INVALID', `${file}: ${why}`, {
      file,
      cause: err,
      hint: code === 'ENOENT' ? 'Check the model path (--model, or the study configuration)' : 'Give the path of a readable .onnx file',
    });
  }
}

/** Decodes ONNX bytes and checks they hold a graph with inputs and outputs; throws MODEL_INVALID naming `file`. */
export function decodeModelFile(bytes: Uint8Array, file: string): onnxProto.onnx.ModelProto {
  if (bytes.length === 0) {
    throw new WsiHpcError('MODEL_INVALID', `${file}: empty file (0 bytes), not an ONNX model`, { file, hint: REEXPORT_HINT });
  }
  let model: onnxProto.onnx.ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (err) {
    throw new WsiHpcError(
      'MODEL_INVALID',
      `${file}: not a readable ONNX model (${bytes.length} bytes; protobuf decoding failed: ${(err as Error).message}); the file is truncated, damaged or not ONNX`,
      { file, cause: err, hint: REEXPORT_HINT },
    );
  }
  const g = model.graph;
  const problem = !g
    ? 'no graph'
    : !g.input?.length
      ? 'a graph without inputs'
      : !g.output?.length
        ? 'a graph without outputs'
        : !g.node?.length
          ? 'a graph without nodes'
          : null;
  if (problem) {
    throw new WsiHpcError('MODEL_INVALID', `${file}: not an ONNX model (${bytes.length} bytes decode to ${problem})`, {
      file,
      hint: REEXPORT_HINT,
    });
  }
  return model;
}
