// Through the built CLI: `model inspect` reports dense support (converts or why not, total stride,
// replaced head, what the card allows) in text and in --json `dense`; a card whose dense.totalStride
// disagrees with the graph is a disagreement (exit 1); a malformed `dense` is MODEL_INVALID naming the card.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildGoogLeNet } from '../../src/model/zoo/index.js';
import { cli, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let googlenet: string;
let card: Record<string, unknown>;

beforeAll(async () => {
  tmp = await makeTempDir('model-inspect-dense');
  const model = buildGoogLeNet();
  googlenet = join(tmp.dir, 'googlenet.onnx');
  card = model.card as unknown as Record<string, unknown>;
  await writeFile(googlenet, model.bytes);
  await writeFile(join(tmp.dir, 'googlenet.json'), JSON.stringify(card, null, 2));
});
afterAll(() => tmp?.cleanup());

async function writeCard(name: string, dense: unknown): Promise<string> {
  const path = join(tmp.dir, name);
  await writeFile(path, JSON.stringify({ ...card, dense }, null, 2));
  return path;
}

describe('model inspect: dense support', () => {
  test('zoo GoogLeNet: --json dense says it converts with total stride 32 and the card allows it; exit 0', async () => {
    const r = await cli(['model', 'inspect', googlenet, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = parseJson(r);
    expect(out.dense).toEqual({
      converts: true,
      totalStride: 32,
      replacedHead: 'GlobalAveragePool → Flatten → Gemm',
      reason: null,
      allowedByCard: true,
      cardTotalStrideMismatch: null,
    });
    expect(out.card.dense).toEqual({ allowed: true, totalStride: 32 });
    expect(out.disagreements).toEqual([]);
  });

  test('zoo GoogLeNet: the text report has one dense line; exit 0', async () => {
    const r = await cli(['model', 'inspect', googlenet]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toContain(
      'dense: converts, total stride 32 px, replaced head GlobalAveragePool → Flatten → Gemm; the card allows dense (dense.allowed)\n',
    );
    expect(String(r.stdout)).toContain('card and graph agree');
  });

  test('a model whose head does not convert: dense.converts false with the reason, not a disagreement (exit 0)', async () => {
    const tiny = await writeTinyModel(tmp.dir, { name: 'tiny' });
    const r = await cli(['model', 'inspect', tiny, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const { dense } = parseJson(r);
    expect(dense).toMatchObject({
      converts: false,
      totalStride: null,
      replacedHead: null,
      allowedByCard: false,
      cardTotalStrideMismatch: null,
    });
    expect(dense.reason).toMatch(/^the output is produced by Identity, not by a Gemm or MatMul\+Add classifier/);
    const text = await cli(['model', 'inspect', tiny]);
    expect(text.exitCode).toBe(0);
    expect(String(text.stdout)).toMatch(
      /\ndense: does not convert: the output is produced by Identity, .*; the card does not allow dense for --method auto \(dense\.allowed\)\n/,
    );
  });

  test("a card whose dense.totalStride is not the graph's: a disagreement, exit 1, in --json and text", async () => {
    const wrong = await writeCard('wrong-stride.json', { allowed: true, totalStride: 16 });
    const mismatch = "the card's dense.totalStride is 16 but the converted graph's total stride is 32";
    const r = await cli(['model', 'inspect', googlenet, '--card', wrong, '--json']);
    expect(r.exitCode).toBe(1);
    const out = parseJson(r);
    expect(out.dense).toMatchObject({ converts: true, totalStride: 32, cardTotalStrideMismatch: mismatch });
    expect(out.disagreements).toEqual([mismatch]);
    const text = await cli(['model', 'inspect', googlenet, '--card', wrong]);
    expect(text.exitCode).toBe(1);
    expect(String(text.stdout)).toContain(`DISAGREEMENTS:\n  - ${mismatch}`);
  });

  test('a card with dense.allowed false: the JSON and text say the card does not allow it', async () => {
    const off = await writeCard('dense-off.json', { allowed: false });
    const r = await cli(['model', 'inspect', googlenet, '--card', off, '--json']);
    expect(r.exitCode).toBe(0);
    expect(parseJson(r).dense).toMatchObject({ converts: true, totalStride: 32, allowedByCard: false });
    const text = await cli(['model', 'inspect', googlenet, '--card', off]);
    expect(String(text.stdout)).toContain('; the card does not allow dense for --method auto (dense.allowed)\n');
  });

  test('a malformed dense in the card given with --card: MODEL_INVALID naming the card, exit 1', async () => {
    const bad = await writeCard('bad-dense.json', { allowed: 'yes', totalStride: 0 });
    const r = await cli(['model', 'inspect', googlenet, '--card', bad, '--json']);
    expect(r.exitCode).toBe(1);
    expect(parseJson(r).error).toMatchObject({
      code: 'MODEL_INVALID',
      file: bad,
      message: `${bad}: invalid model card:\n  - dense.allowed must be true or false, got "yes"\n  - dense.totalStride must be a positive integer (input pixels), got 0`,
      hint: 'See docs/MODELS.md for the model card format',
    });
  });

  test('no card beside the model: dense is null and the text says why it is unknown', async () => {
    const lone = join(tmp.dir, 'lone.onnx');
    await writeFile(lone, buildGoogLeNet().bytes);
    const r = await cli(['model', 'inspect', lone, '--json']);
    expect(r.exitCode).toBe(0);
    expect(parseJson(r).dense).toBeNull();
    const text = await cli(['model', 'inspect', lone]);
    expect(String(text.stdout)).toContain('dense: unknown (no model card: conversion needs its input, output and patch size)\n');
  });
});
