// Pure grouping of a run's array chunks into waves under MaxJobCount (src/slurm/waves.ts): one wave when
// everything fits, otherwise whole chunks in order with room for the wave drivers, the merge job in the
// last wave, the jobs already queued and the safety margin; a chunk too big for any wave is refused.
import { describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { planWaves, renderWaveDriver, splitArray, waveBudget, waveMargin, type Stage } from '../../src/slurm/index.js';

const ALL: Stage[] = ['pack', 'infer', 'merge'];
const plan = (tasks: number, maxArraySize: number, maxJobCount: number, queued = 0, stages = ALL) =>
  planWaves({ chunks: splitArray(tasks, { maxArraySize, maxJobCount }), stages, limits: { maxArraySize, maxJobCount }, queued });
const shape = (waves: ReturnType<typeof plan>) => waves.map((w) => w.chunks.map((c) => c.chunk));

describe('waveMargin and waveBudget', () => {
  test.each([
    [10, 2],
    [199, 2],
    [300, 3],
    [10_000, 100],
  ])('MaxJobCount %i keeps %i jobs free', (max, margin) => expect(waveMargin(max)).toBe(margin));

  test('the budget is MaxJobCount less the queued jobs and the margin', () => {
    expect(waveBudget({ maxArraySize: 8, maxJobCount: 10_000 }, 250)).toBe(10_000 - 250 - 100);
  });
});

describe('planWaves', () => {
  test('a run that fits is one wave with every chunk and the merge job, no driver', () => {
    // 6 tasks x 2 stages + merge = 13 jobs; MaxJobCount 15 - margin 2 = 13: exactly fits.
    const waves = plan(6, 2, 15);
    expect(shape(waves)).toEqual([[0, 1, 2]]);
    expect(waves[0]).toMatchObject({ wave: 1, tasks: 6, jobCount: 13, hasMerge: true, hasNextDriver: false });
  });

  test('one job more than fits splits into waves of whole chunks', () => {
    // Budget 12: wave 1 holds 2 chunks (8 jobs + its next driver = 9, a third chunk would make 13).
    const waves = plan(6, 2, 14);
    expect(shape(waves)).toEqual([[0, 1], [2]]);
    expect(waves.map((w) => [w.tasks, w.jobCount, w.hasMerge, w.hasNextDriver])).toEqual([
      [4, 9, false, true],
      [2, 5, true, false],
    ]);
  });

  test.each([
    // budget = MaxJobCount - 2; each chunk of 2 tasks is 4 jobs; wave 1 reserves 1, later waves 2.
    [8, [[0], [1], [2]]], // budget 6: 4+1 fits, 8+1 does not; later waves 4+2 = 6
    [9, [[0], [1], [2]]], // budget 7
    [11, [[0, 1], [2]]], // budget 9: wave 1 = 8+1
    [10, [[0], [1], [2]]], // budget 8: wave 1 = 8+1 = 9 > 8
  ])('MaxJobCount %i: chunks per wave %j', (max, want) => expect(shape(plan(6, 2, max))).toEqual(want));

  test('jobs already queued shrink every wave', () => {
    expect(shape(plan(6, 2, 14))).toEqual([[0, 1], [2]]);
    // 4 queued: budget 8, so no wave holds two chunks (wave 1: 8 + 1 driver).
    expect(shape(plan(6, 2, 14, 4))).toEqual([[0], [1], [2]]);
    expect(plan(6, 2, 14, 4).at(-1)).toMatchObject({ jobCount: 5, hasMerge: true });
  });

  test('without merge the last wave has no merge job; pack alone counts one job per task', () => {
    const waves = plan(6, 2, 8, 0, ['pack']);
    // 6 pack jobs, budget 6: one wave.
    expect(shape(waves)).toEqual([[0, 1, 2]]);
    const split = plan(12, 2, 8, 0, ['pack', 'infer']);
    expect(split.every((w) => !w.hasMerge)).toBe(true);
    expect(split.map((w) => w.chunks.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  test('merge alone is one wave', () => {
    expect(plan(6, 2, 3, 0, ['merge'])).toMatchObject([{ wave: 1, jobCount: 1, hasMerge: true }]);
  });

  test('a chunk too big for any wave is refused, naming the numbers and the fix', () => {
    let err: unknown;
    try {
      plan(16, 8, 12, 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WsiHpcError);
    const e = err as WsiHpcError;
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toBe(
      "One array chunk needs 16 jobs (8 tasks x 2 stage(s)) + 2 for the wave drivers, but only 9 fit in the controller's job table now (MaxJobCount 12 - 1 queued - margin 2)",
    );
    expect(e.hint).toBe(
      'Submit with --max-array-size 3 (smaller arrays fit a wave), or re-plan with a larger --shards-per-task (fewer tasks)',
    );
  });

  test('with no room for even one task per wave the hint says to wait for the queue', () => {
    expect(() => plan(4, 2, 6, 1)).toThrowError(/only 3 fit in the controller's job table now \(MaxJobCount 6 - 1 queued - margin 2\)/);
    try {
      plan(4, 2, 6, 1);
    } catch (e) {
      expect((e as WsiHpcError).hint).toMatch(/^Wait until fewer jobs are queued/);
    }
  });
});

describe('renderWaveDriver', () => {
  test('a one-CPU job named wsihpc-wave that runs submit-wave, values quoted', () => {
    const script = renderWaveDriver({
      wave: 3,
      time: '00:30:00',
      partition: 'cpu',
      account: null,
      qos: null,
      command: ['/usr/bin/node', '/opt/wsi hpc/bin.js', 'submit-wave', '/runs/r 1', '--wave', '3'],
      setup: 'module load slurm',
    });
    expect(script).toContain('#SBATCH --job-name=wsihpc-wave\n#SBATCH --time=00:30:00\n#SBATCH --mem=512M\n#SBATCH --cpus-per-task=1\n');
    expect(script).toContain('#SBATCH --partition=cpu\n');
    expect(script).not.toContain('--account');
    expect(script).toContain('\nmodule load slurm\n');
    expect(script).toContain("\n/usr/bin/node '/opt/wsi hpc/bin.js' submit-wave '/runs/r 1' --wave 3\n");
  });
});
