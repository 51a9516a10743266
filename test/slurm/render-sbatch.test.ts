// Rendered sbatch scripts against golden files (UPDATE_GOLDEN=1 npx vitest run test/slurm refreshes them),
// and the quoting that keeps hostile run paths inert.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, test, vi } from 'vitest';
import { renderSbatch, type StageResources } from '../../src/slurm/index.js';
import { golden } from './golden.js';

const root = join(import.meta.dirname, '../..');
const res: StageResources = {
  partition: 'gpu',
  account: 'pathology',
  qos: null,
  time: '02:00:00',
  memGb: 16,
  cpusPerTask: 8,
  gpus: 1,
  gres: null,
  constraint: 'a100',
  throttle: 50,
};

describe('golden files', () => {
  test('a missing golden file fails instead of being written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-golden-'));
    try {
      vi.stubEnv('UPDATE_GOLDEN', '');
      expect(() => golden('absent.sbatch', 'text\n', dir)).toThrowError(/absent\.sbatch is missing\nWrite it with: UPDATE_GOLDEN=1/);
      expect(existsSync(join(dir, 'absent.sbatch'))).toBe(false);
      vi.stubEnv('UPDATE_GOLDEN', '1');
      golden('absent.sbatch', 'text\n', dir);
      expect(readFileSync(join(dir, 'absent.sbatch'), 'utf8')).toBe('text\n');
    } finally {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a golden file that differs fails with a line diff', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-golden-'));
    try {
      writeFileSync(join(dir, 'g.txt'), 'a\nb\n');
      expect(() => golden('g.txt', 'a\nc\n', dir)).toThrowError(/line 2:\n- b\n\+ c/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderSbatch', () => {
  test('the infer script matches its golden file', () => {
    const text = renderSbatch({
      template: readFileSync(join(root, 'templates/infer.sbatch'), 'utf8'),
      jobName: 'wsihpc-infer',
      arraySpec: '0-7%50',
      resources: res,
      command: [
        '/opt/node/bin/node',
        '/opt/wsi-hpc/dist/cli/bin.js',
        'infer',
        "/scratch/my run's $(whoami)",
        '--model',
        '/models/net.onnx',
      ],
      env: { WSI_HPC_TASK_OFFSET: '8' },
      setup: 'module load cuda/12',
      logDir: '/scratch/logs',
    });
    golden('infer.sbatch', text);
    expect(text).toContain("'/scratch/my run'\\''s $(whoami)'");
  });

  test('a hostile run path is one inert word when bash runs the script', () => {
    const hostile = "/tmp/a b'$(touch /tmp/wsi-hpc-pwned)'`touch /tmp/wsi-hpc-pwned2`";
    const text = renderSbatch({
      template: readFileSync(join(root, 'templates/pack.sbatch'), 'utf8'),
      jobName: 'wsihpc-pack',
      arraySpec: null,
      resources: { ...res, gpus: 0 },
      command: ['printf', '%s\n', hostile],
      env: { WSI_HPC_TASK_OFFSET: '0' },
      setup: '',
      logDir: '/tmp',
    });
    const out = execFileSync('bash', ['-c', text], { encoding: 'utf8' });
    expect(out).toContain(`${hostile}\n`);
    expect(existsSync('/tmp/wsi-hpc-pwned')).toBe(false);
    expect(existsSync('/tmp/wsi-hpc-pwned2')).toBe(false);
  });

  test('directive values that sbatch cannot hold are refused', () => {
    expect(() =>
      renderSbatch({
        template: '{{directives}}',
        jobName: 'x',
        arraySpec: null,
        resources: { ...res, partition: 'gpu $(x)' },
        command: [],
        env: {},
        setup: '',
        logDir: '/',
      }),
    ).toThrowError(/Expected `--partition` to be one word without whitespace.*received `gpu \$\(x\)`/);
  });
});
