// The per-stage resource flags (--pack-partition … --merge-gres), declared, checked and mapped from one
// stage × key table. The stage-less flags (--partition, --time, …, in submit.ts) are every stage's default.
import type { Argv } from 'yargs';
import { validateSlurmTime, type ResourceOptions } from '../executor/options.js';
import { STAGES, validateDirectiveValue, type Stage } from '../slurm/index.js';
import { expectPositiveNumber } from '../util/is.js';

interface KeySpec {
  field: 'partition' | 'account' | 'qos' | 'time' | 'memGb' | 'constraint' | 'gres';
  /** How the value is checked: an #SBATCH word, a SLURM time, a positive number of GB. */
  check: 'directive' | 'time' | 'gb';
  describe: string;
}

const KEYS = {
  partition: { field: 'partition', check: 'directive', describe: 'Partition' },
  account: { field: 'account', check: 'directive', describe: 'Account' },
  qos: { field: 'qos', check: 'directive', describe: 'QOS' },
  time: { field: 'time', check: 'time', describe: 'Time limit per task (SLURM form)' },
  'mem-gb': { field: 'memGb', check: 'gb', describe: 'Memory per task, GB' },
  constraint: { field: 'constraint', check: 'directive', describe: 'Node features (--constraint)' },
  gres: { field: 'gres', check: 'directive', describe: 'Generic resources per task, e.g. gpu:a100:2 (wins over GPU counts)' },
} as const satisfies Record<string, KeySpec>;

export type StageResourceKey = keyof typeof KEYS;
export type StageResourceFlag = `${Stage}-${StageResourceKey}`;
/** `--<stage>-<key>` as yargs gives them: `mem-gb` numbers, the rest strings. */
export type StageResourceArgs = { [F in StageResourceFlag]?: F extends `${Stage}-mem-gb` ? number : string };

const KEY_NAMES = Object.keys(KEYS) as StageResourceKey[];
const flag = (stage: Stage, key: StageResourceKey): StageResourceFlag => `${stage}-${key}`;

/** Every per-stage resource flag, in stage then key order (21 of them). */
export const STAGE_RESOURCE_FLAGS: readonly StageResourceFlag[] = STAGES.flatMap((stage) => KEY_NAMES.map((key) => flag(stage, key)));

/** Declares the per-stage flags on a submit/resubmit/run command. */
export function stageResourceOptions<T>(y: Argv<T>): Argv<T & StageResourceArgs> {
  let out = y as Argv<T & StageResourceArgs>;
  for (const stage of STAGES) {
    for (const key of KEY_NAMES) {
      out = out.option(flag(stage, key), {
        type: KEYS[key].check === 'gb' ? 'number' : 'string',
        describe: `${KEYS[key].describe} for the ${stage} tasks (default: --${key})`,
      }) as Argv<T & StageResourceArgs>;
    }
  }
  return out.group([...STAGE_RESOURCE_FLAGS], 'Per-stage resources (each defaults to the flag without the stage):');
}

/** Checks each per-stage value given, under the flag the user typed (`--infer-time`, not `time`). */
export function validateStageResourceValues(a: StageResourceArgs): void {
  for (const stage of STAGES) {
    for (const key of KEY_NAMES) {
      const name = flag(stage, key);
      const v = a[name];
      if (v === undefined) continue;
      const check = KEYS[key].check;
      if (check === 'gb') expectPositiveNumber(`--${name}`, v);
      else if (check === 'time') validateSlurmTime(`--${name}`, String(v));
      else validateDirectiveValue(name, String(v));
    }
  }
}

/** Per-stage resource options: the per-stage flags given, over `extra` (--pack-cpus, --infer-gpus …). */
export function stageResourcesFrom(
  a: StageResourceArgs,
  extra: Partial<Record<Stage, ResourceOptions>> = {},
): Record<Stage, ResourceOptions> {
  const out = {} as Record<Stage, ResourceOptions>;
  for (const stage of STAGES) {
    const own: Record<string, unknown> = { ...extra[stage] };
    for (const key of KEY_NAMES) {
      const v = a[flag(stage, key)];
      if (v !== undefined) own[KEYS[key].field] = v;
    }
    out[stage] = own as ResourceOptions;
  }
  return out;
}
