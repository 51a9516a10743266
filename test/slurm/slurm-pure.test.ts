import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import {
  expandIndices,
  isAccountingDisabled,
  parseConfig,
  parseSacct,
  parseSbatch,
  parseScontrolJobs,
  parseSqueue,
  renderArraySpec,
  shellQuote,
  splitArray,
  splitTasks,
} from '../../src/slurm/index.js';

describe('shellQuote', () => {
  test.each([
    ['plain', 'plain'],
    ['/data/run 1', `'/data/run 1'`],
    [`a b'$(rm -rf ~)'.svs`, `'a b'\\''$(rm -rf ~)'\\''.svs'`],
    ['`id`', "'`id`'"],
    ['', "''"],
  ])('%s', (value, quoted) => expect(shellQuote(value)).toBe(quoted));

  test.each([`a b'$(touch /tmp/x)'.svs`, '`touch /tmp/y`', '$HOME "quoted" \\ back', "it's\nnew line"])(
    'bash reads %j back as the same single word',
    (value) => {
      const out = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(out).toBe(value);
    },
  );
});

describe('splitArray', () => {
  const limits = (maxArraySize: number) => ({ maxArraySize, maxJobCount: 10_000 });
  test.each([
    [1, 8, [[0, 1]]],
    [8, 8, [[0, 8]]],
    [
      9,
      8,
      [
        [0, 8],
        [8, 1],
      ],
    ],
    [
      20,
      8,
      [
        [0, 8],
        [8, 8],
        [16, 4],
      ],
    ],
    [1001, 1001, [[0, 1001]]],
    [
      1002,
      1001,
      [
        [0, 1001],
        [1001, 1],
      ],
    ],
  ])('%i tasks with MaxArraySize %i', (tasks, max, want) => {
    const chunks = splitArray(tasks, limits(max));
    expect(chunks.map((c) => [c.offset, c.indices.length])).toEqual(want);
    for (const c of chunks) expect(Math.max(...c.indices)).toBeLessThan(max);
    expect(chunks.flatMap((c) => c.indices.map((i) => i + c.offset))).toEqual(Array.from({ length: tasks }, (_, i) => i));
  });

  test('a resubmission keeps the chunk grid and never indexes at or above MaxArraySize', () => {
    expect(splitTasks([3, 9, 17, 8, 3], limits(8))).toEqual([
      { chunk: 0, offset: 0, indices: [3] },
      { chunk: 1, offset: 8, indices: [0, 1] },
      { chunk: 2, offset: 16, indices: [1] },
    ]);
  });

  test.each([
    [[0, 1, 2, 3], null, '0-3'],
    [[0, 1, 2, 3], 2, '0-3%2'],
    [[1, 3, 4, 5, 9], null, '1,3-5,9'],
  ])('renderArraySpec(%j, %s)', (indices, throttle, want) => expect(renderArraySpec(indices, throttle)).toBe(want));
});

describe('parsers', () => {
  test('sbatch --parsable with and without cluster', () => {
    expect(parseSbatch('12345\n')).toBe('12345');
    expect(parseSbatch('12345;cluster\n')).toBe('12345');
    expect(() => parseSbatch('sbatch: error: Batch job submission failed')).toThrowError(
      'Could not make sense of sbatch output "sbatch: error: Batch job submission failed"',
    );
  });
  test('scontrol show config limits', () => {
    expect(parseConfig('MaxArraySize            = 8\nMaxJobCount             = 10000\nMaxJobId = 67043328\n')).toEqual({
      maxArraySize: 8,
      maxJobCount: 10000,
    });
  });
  test('sacct -P rows, array ranges of pending tasks expanded', () => {
    const s = parseSacct('101_0|COMPLETED|0:0\n101_1|FAILED|1:0\n101_[2-4%2]|PENDING|0:0\n102|CANCELLED by 0|0:0\n');
    expect(s.map((x) => [x.jobId, x.index, x.state])).toEqual([
      ['101', 0, 'COMPLETED'],
      ['101', 1, 'FAILED'],
      ['101', 2, 'PENDING'],
      ['101', 3, 'PENDING'],
      ['101', 4, 'PENDING'],
      ['102', null, 'CANCELLED'],
    ]);
  });
  test('scontrol show job -o records and squeue lines', () => {
    const sc = parseScontrolJobs(
      'JobId=205 ArrayJobId=203 ArrayTaskId=2 JobName=x JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\nJobId=203 ArrayJobId=203 ArrayTaskId=3-5 JobState=PENDING ExitCode=0:0\n',
    );
    expect(sc.map((x) => [x.jobId, x.index, x.state, x.exitCode])).toEqual([
      ['203', 2, 'FAILED', '3:0'],
      ['203', 3, 'PENDING', '0:0'],
      ['203', 4, 'PENDING', '0:0'],
      ['203', 5, 'PENDING', '0:0'],
    ]);
    expect(parseSqueue('300_1|RUNNING\n300_[2-3]|PENDING\n').map((x) => [x.index, x.state])).toEqual([
      [1, 'RUNNING'],
      [2, 'PENDING'],
      [3, 'PENDING'],
    ]);
  });
  test('accounting disabled is recognised', () => {
    expect(isAccountingDisabled('sacct: error: Slurm accounting storage is disabled')).toBe(true);
    expect(expandIndices('1,3-4%2')).toEqual([1, 3, 4]);
  });
});
