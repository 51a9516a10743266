// A stage's cluster timing from its task markers, on hand-made markers: wall from the first start to
// the last finish (tasks overlap), core-seconds as task seconds times the allocated CPUs.
import { expect, test } from 'vitest';
import type { Marker } from '../../src/run/markers.js';
import { stageTimingFromMarkers } from '../../src/study/slurm-timings.js';

const marker = (startedAt: string, finishedAt: string, seconds: number): Marker => ({
  stage: 'infer',
  unit: 'task-0',
  status: 'done',
  planHash: 'h',
  host: 'n1',
  startedAt,
  finishedAt,
  seconds,
});

test('two overlapping tasks: wall is the span of both, core-seconds their seconds times the CPUs per task', () => {
  const markers = [
    marker('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:30.000Z', 30),
    marker('2026-01-01T00:00:10.000Z', '2026-01-01T00:01:00.500Z', 50.5),
  ];
  expect(stageTimingFromMarkers('infer', markers, 4)).toEqual({ stage: 'infer', wallSeconds: 60.5, coreSeconds: 80.5 * 4 });
});

test('no markers: nothing measured', () => {
  expect(stageTimingFromMarkers('merge', [], 2)).toEqual({ stage: 'merge', wallSeconds: 0, coreSeconds: 0 });
});
