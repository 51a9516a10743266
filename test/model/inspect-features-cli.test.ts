// Through the built CLI: `model inspect` on an embedding model reports kind features, D and the pooling
// (text and --json card), exit 0; a card whose dim differs from the graph is a disagreement (exit 1).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeTempDir, parseJson } from '../fixtures/index.js';
import { featuresCard, writeFeaturesModel } from './features-model.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('inspect-features');
});
afterAll(() => tmp?.cleanup());

describe('model inspect: features', () => {
  test('reports kind features, D and pooling; exit 0', async () => {
    const model = await writeFeaturesModel(tmp.dir, 'vit', featuresCard({ name: 'tokens', kind: 'features', dim: 6, pooling: 'cls' }));
    const text = await cli(['model', 'inspect', model]);
    expect(text.exitCode, String(text.stderr)).toBe(0);
    expect(String(text.stdout)).toContain('output tokens (features), features D = 6, pooling cls');
    expect(String(text.stdout)).toContain('card and graph agree');
    const json = parseJson(await cli(['model', 'inspect', model, '--json']));
    expect(json.card.output).toEqual({ name: 'tokens', kind: 'features', dim: 6, pooling: 'cls' });
    expect(json.outputs).toContainEqual({ name: 'tokens', dtype: 'float', shape: ['N', 5, 6] });
    expect(json.disagreements).toEqual([]);
  });

  test('a card whose dim is not the graph output size: exit 1 listing it', async () => {
    const model = await writeFeaturesModel(
      tmp.dir,
      'vit-bad',
      featuresCard({ name: 'tokens', kind: 'features', dim: 384, pooling: 'cls' }),
    );
    const r = await cli(['model', 'inspect', model]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toContain("graph output has 6 features but the card's output.dim is 384");
  });
});
