// Rendered sbatch scripts against golden files (UPDATE_GOLDEN=1 npx vitest run test/slurm refreshes them),
// and the quoting that keeps hostile run paths inert.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { renderSbatch, type StageResources } from '../../src/slurm/index.js';

const root = join(import.meta.dirname, '../..');
const res: StageResources = {
  partition: 'gpu',
  account: 'pathology',
  qos: null,
  time: '02:00:00',
  memGb: 16,
  cpusPerTask: 8,
  gpus: 1,
  constraint: 'a100',
  throttle: 50,
};

function golden(name: string, text: string): void {
  const file = join(root, 'test/golden', name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
  const want = readFileSync(file, 'utf8');
  if (want !== text) {
    const a = want.split('\n');
    const b = text.split('\n');
    const diff = b
      .map((l, i) => (l === a[i] ? null : `line ${i + 1}:\n- ${a[i] ?? ''}\n+ ${l}`))
      .filter(Boolean)
      .join('\n');
    throw new Error(`${file} differs:\n${diff}\nRefresh with: UPDATE_GOLDEN=1 npx vitest run test/slurm`);
  }
}

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
    ).toThrowError(/#SBATCH --partition value `gpu \$\(x\)` contains whitespace/);
  });
});
