// The container wrapping of a stage script (slurm/container.ts, render-sbatch.ts): image references,
// GPU detection from --gres, bind folders, `--nv` only for GPU tasks, and the rendered script run by bash
// against stand-in `apptainer`/`singularity` executables (Apptainer is not packaged for Debian 12: each
// stand-in records its arguments and runs the command after the image), hostile folder names included.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  containerBinds,
  gresHasGpu,
  isImageReference,
  renderDirectives,
  renderSbatch,
  type ContainerRuntime,
  type StageResources,
} from '../../src/slurm/index.js';

const root = join(import.meta.dirname, '../..');
const cpu: StageResources = {
  partition: 'cpu',
  account: null,
  qos: null,
  time: '01:00:00',
  memGb: 2,
  cpusPerTask: 1,
  gpus: 0,
  gres: null,
  constraint: null,
  throttle: null,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-container-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('container words', () => {
  test.each([
    ['docker://ghcr.io/lab/wsi-hpc:1.0', true],
    ['oras://ghcr.io/lab/wsi-hpc:1.0', true],
    ['library://lab/default/wsi-hpc', true],
    ['docker-daemon:wsi-hpc:latest', true],
    ['/images/wsi-hpc.sif', false],
    ['wsi-hpc.sif', false],
    ['./images/docker:1.sif', false],
  ])('isImageReference(%s) is %s', (image, expected) => {
    expect(isImageReference(image)).toBe(expected);
  });

  test.each([
    [null, false],
    ['gpu', true],
    ['gpu:2', true],
    ['gpu:a100:2', true],
    ['gpu:0', false],
    ['gpu:a100:0', false],
    ['nvme:1', false],
    ['nvme:1,gpu:v100:1', true],
  ])('gresHasGpu(%s) is %s', (gres, expected) => {
    expect(gresHasGpu(gres)).toBe(expected);
  });

  test('binds are normalised and deduplicated, in order', () => {
    expect(
      containerBinds([
        { path: '/scratch/run/', what: 'the run folder' },
        { path: '/data//slides', what: 'a slide folder' },
        { path: '/data/slides', what: 'a slide folder' },
        { path: '/', what: 'root' },
      ]),
    ).toEqual(['/scratch/run', '/data/slides', '/']);
  });

  test.each(['/data/a:b', '/data/a,b'])('a bind folder with : or , (%s) is refused, naming it', (path) => {
    expect(() => containerBinds([{ path, what: 'the folder of slide x.svs' }])).toThrowError(
      `Cannot bind the folder of slide x.svs \`${path}\` into the container (--container): apptainer's --bind splits paths at \`:\` and \`,\``,
    );
  });
});

describe('--gres', () => {
  test('gres is written as given and wins over gpus', () => {
    const d = renderDirectives({
      template: '',
      jobName: 'j',
      arraySpec: null,
      resources: { ...cpu, gpus: 1, gres: 'gpu:a100:2' },
      command: [],
      env: {},
      setup: '',
      logDir: '/',
    });
    expect(d).toContain('#SBATCH --gres=gpu:a100:2');
    expect(d).not.toContain('--gres=gpu:1');
    expect(d.match(/--gres=/g)).toHaveLength(1);
  });

  test('a gres sbatch cannot hold on its line is refused', () => {
    expect(() =>
      renderDirectives({
        template: '',
        jobName: 'j',
        arraySpec: null,
        resources: { ...cpu, gres: 'gpu:1 $(x)' },
        command: [],
        env: {},
        setup: '',
        logDir: '/',
      }),
    ).toThrowError(/Expected `--gres` to be one word without whitespace/);
  });
});

// A stage script with a container, rendered from the real pack template.
function render(resources: StageResources, binds: string[], runtime: ContainerRuntime = 'auto', image = '/images/wsi-hpc.sif'): string {
  return renderSbatch({
    template: readFileSync(join(root, 'templates/pack.sbatch'), 'utf8'),
    jobName: 'wsihpc-pack',
    arraySpec: null,
    resources,
    command: ['wsi-hpc', 'pack', binds[0], '--quiet'],
    container: { spec: { image, runtime }, binds },
    env: { WSI_HPC_TASK_OFFSET: '0' },
    setup: '',
    logDir: '/tmp',
  });
}

// A bin folder with stand-ins: `<runtime>` logs its arguments (one per line) and runs what follows the
// image; `wsi-hpc` logs its own arguments.
function standIns(name: string, runtimes: string[]): { bin: string; log: string } {
  const bin = join(dir, name);
  mkdirSync(bin);
  const log = join(bin, 'calls.log');
  for (const rt of runtimes) {
    writeFileSync(
      join(bin, rt),
      `#!/bin/bash\nprintf '${rt}\\n' >>"$CALLS"; printf '[%s]\\n' "$@" >>"$CALLS"\n` +
        'while [[ $1 != /images/* ]]; do shift; done; shift; exec "$@"\n',
    );
    chmodSync(join(bin, rt), 0o755);
  }
  writeFileSync(join(bin, 'wsi-hpc'), `#!/bin/bash\nprintf 'wsi-hpc\\n' >>"$CALLS"; printf '[%s]\\n' "$@" >>"$CALLS"\n`);
  chmodSync(join(bin, 'wsi-hpc'), 0o755);
  return { bin, log };
}

function runScript(script: string, bin: string | null, log: string) {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  return spawnSync('bash', [file], {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: `${bin ? `${bin}:` : ''}/usr/bin:/bin`, CALLS: log, HOME: dir },
  });
}

describe('the rendered container command', () => {
  const hostile = "/data/a b'$(touch pwned)'`touch pwned2`";

  test('--nv only when the task has GPUs (gpus, or a gres asking for one)', () => {
    const words = (r: StageResources) => (render(r, ['/run']).match(/^"\$WSI_HPC_CONTAINER_RUNTIME" .*$/m) ?? [''])[0];
    expect(words(cpu)).toBe('"$WSI_HPC_CONTAINER_RUNTIME" exec --bind /run /images/wsi-hpc.sif wsi-hpc pack /run --quiet &');
    expect(words({ ...cpu, gpus: 1 })).toContain(' exec --nv --bind /run ');
    expect(words({ ...cpu, gres: 'gpu:a100:2' })).toContain(' exec --nv --bind /run ');
    expect(words({ ...cpu, gpus: 1, gres: 'nvme:1' })).not.toContain('--nv');
  });

  test('every template parses with bash -n with and without a container', () => {
    for (const stage of ['pack', 'infer', 'merge']) {
      for (const container of [null, { spec: { image: '/i.sif', runtime: 'auto' as const }, binds: [hostile] }]) {
        const text = renderSbatch({
          template: readFileSync(join(root, `templates/${stage}.sbatch`), 'utf8'),
          jobName: `wsihpc-${stage}`,
          arraySpec: '0-3',
          resources: { ...cpu, gres: 'gpu:1' },
          command: ['wsi-hpc', stage, hostile, '--quiet'],
          container,
          env: { WSI_HPC_TASK_OFFSET: '8' },
          setup: 'module load apptainer',
          logDir: '/tmp',
        });
        const file = join(dir, `${stage}-n.sh`);
        writeFileSync(file, text);
        execFileSync('bash', ['-n', file]);
      }
    }
  });

  test('auto runs apptainer exec with each bind as one word; hostile folder names stay inert', () => {
    const { bin, log } = standIns('auto', ['apptainer', 'singularity']);
    const r = runScript(render(cpu, ['/run', hostile, '/models']), bin, log);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(
      ['apptainer', '[exec]', '[--bind]', '[/run]', '[--bind]', `[${hostile}]`, '[--bind]', '[/models]', '[/images/wsi-hpc.sif]']
        .concat(['[wsi-hpc]', '[pack]', '[/run]', '[--quiet]', 'wsi-hpc', '[pack]', '[/run]', '[--quiet]'])
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
  });

  test('auto falls back to singularity when the node has no apptainer', () => {
    const { bin, log } = standIns('singularity-only', ['singularity']);
    const r = runScript(render(cpu, ['/run']), bin, log);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n')[0]).toBe('singularity');
  });

  test('with neither runtime on PATH the task fails naming both', () => {
    const log = join(dir, 'none.log');
    const r = runScript(render(cpu, ['/run']), null, log);
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(
      /^wsi-hpc: --container needs apptainer or singularity on PATH; neither was found on \S+ \(PATH=\/usr\/bin:\/bin\)$/m,
    );
    expect(existsSync(log)).toBe(false);
  });

  test('--container-runtime singularity never calls apptainer, and fails naming singularity when it is missing', () => {
    const { bin, log } = standIns('both', ['apptainer', 'singularity']);
    const r = runScript(render(cpu, ['/run'], 'singularity'), bin, log);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).not.toContain('apptainer');
    const only = standIns('apptainer-only', ['apptainer']);
    const r2 = runScript(render(cpu, ['/run'], 'singularity'), only.bin, only.log);
    expect(r2.status).toBe(127);
    expect(r2.stderr).toContain('wsi-hpc: --container-runtime singularity: singularity is not on PATH on ');
    expect(existsSync(only.log)).toBe(false);
  });

  test('an image reference is passed as one word', () => {
    const text = render(cpu, ['/run'], 'apptainer', 'docker://ghcr.io/lab/wsi-hpc:1.0');
    expect(text).toContain('"$WSI_HPC_CONTAINER_RUNTIME" exec --bind /run docker://ghcr.io/lab/wsi-hpc:1.0 wsi-hpc pack /run --quiet &');
    expect(text).toContain('WSI_HPC_CONTAINER_RUNTIME=$(command -v apptainer) || {');
  });
});
