// Study configurations: `--vary stride=224,112 --vary mpp=0.5,1` parsed and expanded into the
// cartesian product, each with a short stable name. Pure.
import { OptionError } from '../errors.js';

export const VARIABLES = Object.freeze(['stride', 'mpp', 'batch', 'threads', 'model'] as const);
export type Variable = (typeof VARIABLES)[number];

export interface StudyConfig {
  name: string;
  stride: number | null;
  mpp: number | null;
  batch: number | null;
  threads: number | null;
  model: string | null;
}

export function parseVary(specs: string[]): Map<Variable, string[]> {
  const out = new Map<Variable, string[]>();
  for (const spec of specs.flatMap((s) => s.split(/\s+(?=\w+=)/))) {
    const m = /^(\w+)=(.+)$/.exec(spec.trim());
    if (!m) throw new OptionError(`Expected \`--vary NAME=V1,V2,...\`, received \`${spec}\``);
    const name = m[1] as Variable;
    if (!VARIABLES.includes(name)) throw new OptionError(`Unknown study variable \`${m[1]}\`; valid variables are ${VARIABLES.join(', ')}`);
    const values = m[2]
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (name !== 'model' && values.some((v) => !(Number(v) > 0)))
      throw new OptionError(`Expected positive numbers for \`${name}\`, received \`${m[2]}\``);
    out.set(name, values);
  }
  return out;
}

export function expandConfigs(vary: Map<Variable, string[]>): StudyConfig[] {
  let configs: StudyConfig[] = [{ name: '', stride: null, mpp: null, batch: null, threads: null, model: null }];
  for (const [name, values] of vary) {
    configs = configs.flatMap((c) =>
      values.map((v) => ({
        ...c,
        [name]: name === 'model' ? v : Number(v),
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
  return configs.map((c) => ({ ...c, name: c.name || 'default' }));
}
