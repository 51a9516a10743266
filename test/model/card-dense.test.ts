// The model card's `dense` field: accepted shapes, and every malformed one listed among the card's
// other problems in one MODEL_INVALID naming the file (validateModelCard and readModelCard).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WsiHpcError } from '../../src/errors.js';
import { readModelCard, validateModelCard } from '../../src/model/index.js';
import { zooCard } from '../../src/model/zoo/index.js';
import { makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('card-dense');
});
afterAll(() => tmp?.cleanup());

function cardWith(dense: unknown): Record<string, unknown> {
  return { ...zooCard('m', 'test card'), dense };
}

function validationError(value: unknown, file = 'm.json'): WsiHpcError {
  try {
    validateModelCard(value, file);
  } catch (err) {
    return err as WsiHpcError;
  }
  throw new Error('expected validateModelCard to throw');
}

describe('validateModelCard: dense', () => {
  test.each([
    ['allowed with a total stride', { allowed: true, totalStride: 32 }],
    ['allowed without a total stride', { allowed: true }],
    ['not allowed', { allowed: false }],
    ['not allowed, stride stated', { allowed: false, totalStride: 16 }],
  ])('accepts %s', (_, dense) => {
    expect(validateModelCard(cardWith(dense), 'm.json').dense).toEqual(dense);
  });

  test('accepts a card without dense', () => {
    const { dense: _, ...card } = cardWith(undefined);
    expect(validateModelCard(card, 'm.json').dense).toBeUndefined();
  });

  test.each<[string, unknown, string]>([
    ['true', true, 'dense must be an object like {"allowed": true, "totalStride": 32}, got true'],
    ['null', null, 'dense must be an object like {"allowed": true, "totalStride": 32}, got null'],
    ['an array', [true, 32], 'dense must be an object like {"allowed": true, "totalStride": 32}, got [true,32]'],
    ['an empty object', {}, 'dense.allowed must be true or false, got nothing'],
    ['allowed as a string', { allowed: 'yes' }, 'dense.allowed must be true or false, got "yes"'],
    ['a zero stride', { allowed: true, totalStride: 0 }, 'dense.totalStride must be a positive integer (input pixels), got 0'],
    ['a negative stride', { allowed: true, totalStride: -32 }, 'dense.totalStride must be a positive integer (input pixels), got -32'],
    ['a fractional stride', { allowed: true, totalStride: 1.5 }, 'dense.totalStride must be a positive integer (input pixels), got 1.5'],
    ['a stride as a string', { allowed: true, totalStride: '32' }, 'dense.totalStride must be a positive integer (input pixels), got "32"'],
    [
      'a misspelt key',
      { allowed: true, totalstride: 32 },
      'dense has unknown key `totalstride` (valid: allowed, required; totalStride, optional)',
    ],
    [
      'two unknown keys',
      { allowed: true, stride: 32, method: 'dense' },
      'dense has unknown keys `stride`, `method` (valid: allowed, required; totalStride, optional)',
    ],
  ])('refuses dense as %s: MODEL_INVALID naming the file and the problem', (_, dense, problem) => {
    const err = validationError(cardWith(dense));
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.file).toBe('m.json');
    expect(err.message).toBe(`m.json: invalid model card:\n  - ${problem}`);
    expect(err.hint).toBe('See docs/MODELS.md for the model card format');
  });

  test("dense problems are listed with the card's other problems, in one error", () => {
    const err = validationError({ ...cardWith({ allowed: 1, totalStride: 0 }), name: '' });
    expect(err.message).toBe(
      [
        'm.json: invalid model card:',
        '  - name must be a non-empty string',
        '  - dense.allowed must be true or false, got 1',
        '  - dense.totalStride must be a positive integer (input pixels), got 0',
      ].join('\n'),
    );
  });

  test('readModelCard refuses a card file with a malformed dense, naming the file', async () => {
    const model = join(tmp.dir, 'net.onnx');
    const cardFile = join(tmp.dir, 'net.json');
    await writeFile(cardFile, JSON.stringify(cardWith({ allowed: 'true', totalStride: 32 })));
    await expect(readModelCard(model)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      file: cardFile,
      message: `${cardFile}: invalid model card:\n  - dense.allowed must be true or false, got "true"`,
    });
    await writeFile(cardFile, JSON.stringify(cardWith({ allowed: true, totalStride: 32 })));
    expect((await readModelCard(model)).dense).toEqual({ allowed: true, totalStride: 32 });
  });
});
