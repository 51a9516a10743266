// Model cards: the JSON beside a model (`M.json` next to `M.onnx`), read and validated once.
import { readFile } from 'node:fs/promises';
import { WsiHpcError } from '../errors.js';
import { MODEL_CARD_VERSION, type ModelCard } from './types.js';

export function cardPathFor(modelPath: string): string {
  return `${modelPath.replace(/\.onnx$/i, '')}.json`;
}

function isTriple(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

const DENSE_KEYS = ['allowed', 'totalStride'];

// `dense: {"allowed": true, "totalStride": 32}`: whether `infer --method auto` may go dense, and the stride the owner states.
function denseProblems(dense: unknown): string[] {
  if (typeof dense !== 'object' || dense === null || Array.isArray(dense))
    return [`dense must be an object like {"allowed": true, "totalStride": 32}, got ${JSON.stringify(dense)}`];
  const d = dense as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof d.allowed !== 'boolean') problems.push(`dense.allowed must be true or false, got ${JSON.stringify(d.allowed) ?? 'nothing'}`);
  if (d.totalStride !== undefined && !(Number.isInteger(d.totalStride) && (d.totalStride as number) > 0))
    problems.push(`dense.totalStride must be a positive integer (input pixels), got ${JSON.stringify(d.totalStride)}`);
  const unknown = Object.keys(d).filter((k) => !DENSE_KEYS.includes(k));
  if (unknown.length > 0)
    problems.push(
      `dense has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `\`${k}\``).join(', ')} (valid: allowed, required; totalStride, optional)`,
    );
  return problems;
}

const POOLINGS = ['cls', 'mean', 'none'];

// `output`: a classifier's kind, positiveIndex and labels, or an embedding model's dim and pooling.
function outputProblems(o: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (o.kind === 'features') {
    if (!(Number.isInteger(o.dim) && (o.dim as number) > 0))
      problems.push(`output.dim must be a positive integer (the embedding size D), got ${JSON.stringify(o.dim) ?? 'nothing'}`);
    if (o.pooling !== undefined && !POOLINGS.includes(o.pooling as string))
      problems.push(`output.pooling must be cls, mean or none, got ${JSON.stringify(o.pooling)}`);
    return problems;
  }
  if (o.kind !== 'logits' && o.kind !== 'probabilities') problems.push('output.kind must be logits, probabilities or features');
  const positive = o.positiveIndex as number;
  if (!(Number.isInteger(positive) && positive >= 0)) problems.push('output.positiveIndex must be a non-negative integer');
  if (!Array.isArray(o.labels) || o.labels.length <= (positive ?? 0))
    problems.push('output.labels must name every class, including positiveIndex');
  return problems;
}

/** Collects every problem and throws once, naming the file. */
export function validateModelCard(value: unknown, file: string): ModelCard {
  const c = value as Partial<ModelCard>;
  const problems: string[] = [];
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw new WsiHpcError('MODEL_INVALID', `${file}: the model card is not a JSON object`, {
      file,
      hint: 'See docs/MODELS.md for the model card format',
    });
  if (c.schemaVersion !== MODEL_CARD_VERSION) problems.push(`schemaVersion must be ${MODEL_CARD_VERSION}, got ${String(c.schemaVersion)}`);
  if (typeof c.name !== 'string' || !c.name) problems.push('name must be a non-empty string');
  if (!c.input || typeof c.input.name !== 'string') problems.push('input.name must be the graph input name');
  if (c.input && c.input.layout !== 'NCHW' && c.input.layout !== 'NHWC') problems.push('input.layout must be NCHW or NHWC');
  if (!Number.isInteger(c.patchSizePx) || (c.patchSizePx ?? 0) <= 0) problems.push('patchSizePx must be a positive integer');
  if (c.mpp !== null && !(typeof c.mpp === 'number' && c.mpp > 0)) problems.push('mpp must be a positive number or null');
  if (!c.normalization || !isTriple(c.normalization.mean) || !isTriple(c.normalization.std))
    problems.push('normalization.mean and .std must be three numbers each');
  else if (c.normalization.std.some((s) => s <= 0)) problems.push('normalization.std must be positive');
  if (!c.output || typeof c.output.name !== 'string') problems.push('output.name must be the graph output name');
  if (c.input && c.input.dtype !== undefined && c.input.dtype !== 'float32' && c.input.dtype !== 'float16')
    problems.push(`input.dtype must be float32 or float16, got ${JSON.stringify(c.input.dtype)}`);
  if (c.output) problems.push(...outputProblems(c.output as unknown as Record<string, unknown>));
  if (c.dense !== undefined) problems.push(...denseProblems(c.dense));
  if (problems.length > 0) {
    throw new WsiHpcError('MODEL_INVALID', `${file}: invalid model card:\n  - ${problems.join('\n  - ')}`, {
      file,
      hint: 'See docs/MODELS.md for the model card format',
    });
  }
  return c as ModelCard;
}

export async function readModelCard(modelPath: string, cardPath = cardPathFor(modelPath)): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(cardPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WsiHpcError(
      'MODEL_INVALID',
      code === 'ENOENT'
        ? `${cardPath}: no model card for ${modelPath}`
        : `${cardPath}: cannot read the model card for ${modelPath} (${code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message)})`,
      {
        file: cardPath,
        cause: err,
        hint: 'Write a model card (docs/MODELS.md) beside the model, or pass --card FILE',
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WsiHpcError('MODEL_INVALID', `${cardPath}: the model card is not valid JSON (${(err as Error).message})`, {
      file: cardPath,
      cause: err,
      hint: 'Fix the JSON syntax at the position given; docs/MODELS.md shows a complete card',
    });
  }
  return validateModelCard(value, cardPath);
}
