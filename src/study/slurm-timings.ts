// A stage's timing on a cluster from its task markers: wall seconds from the first task's start to the
// last one's finish (what the cohort waits), core-seconds as each task's seconds times the CPUs SLURM
// allocated it (what the cluster bills). Pure.
import type { Marker } from '../run/markers.js';
import type { StageTiming } from './run-config.js';

export function stageTimingFromMarkers(stage: StageTiming['stage'], markers: readonly Marker[], cpusPerTask: number): StageTiming {
  if (markers.length === 0) return { stage, wallSeconds: 0, coreSeconds: 0 };
  const start = Math.min(...markers.map((m) => Date.parse(m.startedAt)));
  const end = Math.max(...markers.map((m) => Date.parse(m.finishedAt)));
  return {
    stage,
    wallSeconds: (end - start) / 1000,
    coreSeconds: markers.reduce((n, m) => n + m.seconds, 0) * cpusPerTask,
  };
}
