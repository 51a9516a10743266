// `wsi-hpc doctor --json` against the local SLURM cluster: MaxArraySize/MaxJobCount equal `scontrol show
// config`, the partitions equal sinfo's live list (other tests may add partitions: never hard-coded), the
// accounting verdict matches sacct's own answer, and the vips CLI's version equals `vips --version`.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { holdClusterDuringSuite, requireCluster } from '../fixtures/cluster.js';
import { cli } from '../fixtures/index.js';
import { parseReport } from './fixtures.js';

const env = requireCluster();
holdClusterDuringSuite(env);

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });

describe.runIf(env)('doctor on the local cluster', () => {
  test('reports the cluster as scontrol, sinfo and sacct do, and vips as `vips --version` does; exit 0', async () => {
    const r = await cli(['doctor', '--json'], { env: env ?? {} });
    const report = parseReport(r);

    const config = run('scontrol', ['show', 'config']);
    const value = (key: string) => Number(new RegExp(`^${key}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(config)?.[1]);
    expect(report.check('slurm')).toMatchObject({
      status: 'ok',
      data: { maxArraySize: value('MaxArraySize'), maxJobCount: value('MaxJobCount') },
    });
    expect(report.check('slurm').finding).toContain(`MaxArraySize ${value('MaxArraySize')}, MaxJobCount ${value('MaxJobCount')}`);

    const sinfo = run('sinfo', ['-h', '-o', '%P']).split('\n').filter(Boolean);
    const partitions = report.check('slurm-partitions');
    expect(partitions.status).toBe('ok');
    expect(
      ((partitions.data?.partitions ?? []) as { name: string; isDefault: boolean }[]).map((p) => `${p.name}${p.isDefault ? '*' : ''}`),
    ).toEqual(sinfo);

    const sacct = spawnSync('sacct', ['-n', '-X', '-S', 'now-1minutes'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const isAccounting = sacct.status === 0 && !/accounting storage is disabled/i.test(`${sacct.stdout}${sacct.stderr}`);
    expect(report.check('slurm-accounting')).toMatchObject({ status: isAccounting ? 'ok' : 'warn', data: { isEnabled: isAccounting } });

    const vips = /vips-(\S+)/.exec(run('vips', ['--version']))?.[1];
    expect(report.check('vips-cli')).toMatchObject({ status: 'ok', data: { version: vips } });

    expect(report.ok).toBe(true);
    expect(r.exitCode).toBe(0);
  }, 120_000);
});
