// Study configurations: `--vary stride=224,112 --vary mpp=0.5,1 --vary method=sliding,dense` parsed
// and expanded into the cartesian product, each with a short stable name. Pure.
import { OptionError } from '../errors.js';

export const VARIABLES = Object.freeze(['stride', 'mpp', 'batch', 'threads', 'model', 'method'] as const);
export type Variable = (typeof VARIABLES)[number];

/** How infer runs a configuration's shards (`infer --method`). */
export const STUDY_METHODS = Object.freeze(['sliding', 'dense', 'auto'] as const);
export type StudyMethod = (typeof STUDY_METHODS)[number];

export interface StudyConfig {
  name: string;
  stride: number | null;
  mpp: number | null;
  batch: number | null;
  threads: number | null;
  model: string | null;
  /** `infer --method`; null runs infer's default (auto). */
  method: StudyMethod | null;
}

/** Variables whose values are names, not numbers. */
const isNamed = (name: Variable): boolean => name === 'model' || name === 'method';

export function parseVary(specs: string[]): Map<Variable, string[]> {
  const out = new Map<Variable, string[]>();
  for (const spec of specs.flatMap((s) => s.split(/\s+(?=\w+=)/))) {
    const m = /^(\w+)=(.+)$/.exec(spec.trim());
    if (!m) throw new OptionError(`Expected \`--vary NAME=V1,V2,...\`, received \`${spec}\``);
    const name = m[1] as Variable;
    if (!VARIABLES.includes(name)) throw new OptionError(`Unknown study variable \`${m[1]}\`; valid variables are ${VARIABLES.join(', ')}`);
    if (out.has(name)) throw new OptionError(`\`--vary ${name}\` was given twice; give its values once as \`--vary ${name}=V1,V2\``);
    const values = m[2].split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw new OptionError(`Expected \`--vary ${name}\` values without empty items, received \`${m[2]}\``);
    if (name === 'method' && values.some((v) => !(STUDY_METHODS as readonly string[]).includes(v)))
      throw new OptionError(`Expected \`--vary method\` values among ${STUDY_METHODS.join(', ')}, received \`${m[2]}\``);
    // Strides, batches and threads are counts; mpp any positive number.
    const isCount = name === 'stride' || name === 'batch' || name === 'threads';
    if (!isNamed(name) && values.some((v) => !(Number(v) > 0) || (isCount && !Number.isInteger(Number(v)))))
      throw new OptionError(`Expected positive ${isCount ? 'integers' : 'numbers'} for \`--vary ${name}\`, received \`${m[2]}\``);
    const keys = values.map((v) => (isNamed(name) ? v : String(Number(v))));
    const twice = keys.find((k, i) => keys.indexOf(k) !== i);
    if (twice !== undefined) throw new OptionError(`\`--vary ${name}\` lists \`${twice}\` twice, received \`${m[2]}\``);
    out.set(name, values);
  }
  return out;
}

export function expandConfigs(vary: Map<Variable, string[]>): StudyConfig[] {
  let configs: StudyConfig[] = [{ name: '', stride: null, mpp: null, batch: null, threads: null, model: null, method: null }];
  for (const [name, values] of vary) {
    configs = configs.flatMap((c) =>
      values.map((v) => ({
        ...c,
        [name]: isNamed(name) ? v : Number(v),
        name: `${c.name}${c.name ? '_' : ''}${name}-${
          name === 'model'
            ? v
                .replace(/^.*\//, '')
                .replace(/\.onnx$/i, '')
                .replace(/[^\w.-]+/g, '-')
            : v
        }`,
      })),
    );
  }
  // Two models with the same file name would share a configuration folder.
  const names = configs.map((c) => c.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    throw new OptionError(`Two \`--vary\` configurations are both named \`${twice}\`; give models distinct file names`);
  return configs.map((c) => ({ ...c, name: c.name || 'default' }));
}
