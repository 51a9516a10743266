// Options of submit/resubmit: per-stage resources with defaults, and their validation.
import { OptionError } from '../errors.js';
import { STAGES, type Stage, type StageResources } from '../slurm/index.js';
import { expectPositiveInt, expectPositiveNumber } from '../util/is.js';

export const STAGE_DEFAULTS: Readonly<Record<Stage, StageResources>> = Object.freeze({
  pack: {
    partition: null,
    account: null,
    qos: null,
    time: '04:00:00',
    memGb: 8,
    cpusPerTask: 4,
    gpus: 0,
    gres: null,
    constraint: null,
    throttle: null,
  },
  infer: {
    partition: null,
    account: null,
    qos: null,
    time: '08:00:00',
    memGb: 16,
    cpusPerTask: 8,
    gpus: 0,
    gres: null,
    constraint: null,
    throttle: null,
  },
  merge: {
    partition: null,
    account: null,
    qos: null,
    time: '01:00:00',
    memGb: 8,
    cpusPerTask: 2,
    gpus: 0,
    gres: null,
    constraint: null,
    throttle: null,
  },
});

export type ResourceOptions = Partial<StageResources>;

export function normalizeStages(raw: string[] | undefined): Stage[] {
  const stages = raw?.length
    ? raw
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean)
    : [...STAGES];
  const bad = stages.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (bad.length) throw new OptionError(`Unknown stage(s) ${bad.map((b) => `\`${b}\``).join(', ')}; valid stages are ${STAGES.join(', ')}`);
  return STAGES.filter((s) => stages.includes(s));
}

export function normalizeResources(stage: Stage, all: ResourceOptions = {}, own: ResourceOptions = {}): StageResources {
  const r: StageResources = { ...STAGE_DEFAULTS[stage], ...strip(all), ...strip(own) };
  expectPositiveInt('cpusPerTask', r.cpusPerTask);
  expectPositiveNumber('memGb', r.memGb);
  if (!Number.isInteger(r.gpus) || r.gpus < 0)
    throw new OptionError(`Expected \`gpus\` to be a non-negative integer, received \`${r.gpus}\``);
  if (r.throttle !== null) expectPositiveInt('throttle', r.throttle);
  validateSlurmTime('time', r.time);
  return r;
}

/** A wall-time limit in a form sbatch takes (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM:SS); `name` is the flag as typed. */
export function validateSlurmTime(name: string, value: string): void {
  if (!/^(\d+-)?\d{1,3}(:\d{2}){0,2}$/.test(value))
    throw new OptionError(`Expected \`${name}\` in SLURM form (MM, HH:MM:SS or D-HH:MM:SS), received \`${value}\``);
}

function strip<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
