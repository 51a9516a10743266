// The local executor's scheduler (src/executor/local-schedule.ts): at most `cores` CPUs busy, first ready
// first started, dependants of a failed task skipped, nothing new after a cancel; and the local CPU defaults.
import { expect, test } from 'vitest';
import { localCpus } from '../../src/executor/index.js';
import { runSchedule, type NodeEnd, type ScheduleNode } from '../../src/executor/local-schedule.js';

const node = (key: string, cpus: number, deps: string[] = []): ScheduleNode<null> => ({ key, cpus, deps, item: null });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(fail: string[] = []) {
  let busy = 0;
  const log = { maxBusy: 0, order: [] as string[] };
  return {
    log,
    run: async (n: ScheduleNode<null>): Promise<NodeEnd> => {
      busy += Math.min(n.cpus, 4);
      log.maxBusy = Math.max(log.maxBusy, busy);
      log.order.push(n.key);
      await tick(15);
      busy -= Math.min(n.cpus, 4);
      return { state: fail.includes(n.key) ? 'failed' : 'done' };
    },
  };
}

test('at most floor(cores / cpus) tasks at once, every task run, a task asking more than the cores still runs alone', async () => {
  const r = recorder();
  const nodes = [...Array.from({ length: 7 }, (_, i) => node(`pack:${i}`, 1)), node('big', 9)];
  const states = await runSchedule(nodes, 4, { run: r.run, isCancelled: () => false });
  expect(r.log.maxBusy).toBe(4);
  expect([...states.values()].every((s) => s === 'done')).toBe(true);
  expect(r.log.order).toHaveLength(8);
});

test('infer i waits for pack i only (aftercorr), merge for every infer; a failed pack task skips its infer task and merge', async () => {
  const skipped: string[] = [];
  const r = recorder(['pack:1']);
  const nodes = [
    ...[0, 1, 2].map((i) => node(`pack:${i}`, 1)),
    ...[0, 1, 2].map((i) => node(`infer:${i}`, 2, [`pack:${i}`])),
    node('merge:', 2, ['infer:0', 'infer:1', 'infer:2']),
  ];
  const states = await runSchedule(nodes, 2, {
    run: r.run,
    isCancelled: () => false,
    onSkipped: (n, dep) => skipped.push(`${n.key}<-${dep}`),
  });
  expect(Object.fromEntries(states)).toEqual({
    'pack:0': 'done',
    'pack:1': 'failed',
    'pack:2': 'done',
    'infer:0': 'done',
    'infer:1': 'skipped',
    'infer:2': 'done',
    'merge:': 'skipped',
  });
  expect(skipped).toEqual(['infer:1<-pack:1', 'merge:<-infer:1']);
  expect(r.log.order.indexOf('infer:0')).toBeGreaterThan(r.log.order.indexOf('pack:0'));
  expect(r.log.maxBusy).toBeLessThanOrEqual(2);
});

test('after a cancel nothing new starts: the rest are cancelled, not skipped', async () => {
  let cancelled = false;
  const r = recorder();
  const run = async (n: ScheduleNode<null>) => {
    const end = await r.run(n);
    cancelled = true;
    return end;
  };
  const nodes = [node('pack:0', 1), node('pack:1', 1), node('infer:0', 1, ['pack:0'])];
  const states = await runSchedule(nodes, 1, { run, isCancelled: () => cancelled });
  expect(Object.fromEntries(states)).toEqual({ 'pack:0': 'done', 'pack:1': 'cancelled', 'infer:0': 'cancelled' });
});

test('local CPUs per task: the cores spread over the tasks (at least 1), merge every core, --threads sets infer (capped)', () => {
  expect([localCpus('pack', 2, 6), localCpus('infer', 2, 6), localCpus('merge', 2, 6)]).toEqual([1, 1, 2]);
  expect([localCpus('pack', 64, 6), localCpus('infer', 64, 6), localCpus('infer', 8, 1)]).toEqual([10, 10, 8]);
  expect([localCpus('infer', 8, 6, 3), localCpus('infer', 2, 6, 64), localCpus('pack', 2, 6, 64)]).toEqual([3, 2, 1]);
});
