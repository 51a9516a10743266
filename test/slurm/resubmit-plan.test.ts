// resubmit chains like submit (pure): infer task i waits for pack task i of its chunk (aftercorr),
// infer tasks whose pack is not resubmitted run alone, merge waits for every infer job.
import { describe, expect, test } from 'vitest';
import { jobKey, planResubmitJobs } from '../../src/executor/resubmit-plan.js';

const limits = { maxArraySize: 8, maxJobCount: 1000 };

describe('planResubmitJobs', () => {
  test('infer chunks wait on the pack chunk of the same tasks with aftercorr, merge on every infer job', () => {
    const jobs = planResubmitJobs({ pack: [1, 9], infer: [1, 3, 9], merge: [0] }, limits);
    expect(jobs.map((j) => [jobKey(j), j.chunk?.offset ?? null, j.chunk?.indices ?? null, j.dependency])).toEqual([
      ['pack:0', 0, [1], null],
      ['pack:1', 8, [1], null],
      ['infer:0', 0, [1], '--dependency=aftercorr:{pack:0}'],
      ['infer:1', 8, [1], '--dependency=aftercorr:{pack:1}'],
      ['infer:0:alone', 0, [3], null],
      ['merge:0', null, null, '--dependency=afterok:{infer:0}:{infer:1}:{infer:0:alone}'],
    ]);
  });

  test.each([
    ['only infer failed: no pack job, infer alone', { pack: [], infer: [2, 5], merge: [0] }, ['infer:0:alone', 'merge:0']],
    ['only merge failed: merge without dependency', { pack: [], infer: [], merge: [0] }, ['merge:0']],
    ['pack only (--stages pack): no infer, no merge', { pack: [0, 7, 8], infer: [], merge: [] }, ['pack:0', 'pack:1']],
    ['nothing failed: no job', { pack: [], infer: [], merge: [] }, []],
  ])('%s', (_name, tasks, keys) => {
    const jobs = planResubmitJobs(tasks, limits);
    expect(jobs.map(jobKey)).toEqual(keys);
    if (keys.join() === 'merge:0') expect(jobs[0].dependency).toBeNull();
  });

  test('array indices stay below MaxArraySize', () => {
    const tasks = Array.from({ length: 30 }, (_, i) => i);
    for (const j of planResubmitJobs({ pack: tasks, infer: tasks, merge: [0] }, limits))
      for (const i of j.chunk?.indices ?? []) expect(i).toBeLessThan(8);
  });
});
