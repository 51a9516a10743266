// Checks a parsed wsi-hpc.yaml against the commands' options and returns the values each command gets.
// Pure: no fs, no env. Every problem of the file is collected and reported once, with its line.
import { isAbsolute, resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import type { OptionSpec, OptionTables } from './config-options.js';
import { suggestOptions } from './options.js';

/** One `key: value` of the file; a mapping value (a command's section) holds `entries` instead. */
export interface RawEntry {
  key: string;
  line: number;
  value: unknown;
  entries?: RawEntry[];
}

/** Where a command's option value came from, highest precedence first. */
export type OptionSource = 'command line' | 'config section' | 'config' | 'default';

/** A checked config file: values already typed as the options take them, paths absolute. */
export interface ConfigFile {
  /** Absolute path of the file. */
  file: string;
  /** Top-level options: given to every command that declares them. */
  topLevel: Readonly<Record<string, unknown>>;
  /** `plan:`, `submit:` ...: options of that command only; they win over top-level ones. */
  sections: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A config file that cannot be used: exit 2 before any work. */
export class ConfigError extends WsiHpcError {
  constructor(message: string, file: string, hint?: string) {
    super('CONFIG_INVALID', message, { file, hint });
    this.name = 'ConfigError';
  }
}

/** Options that only make sense on one command line. */
const NOT_IN_FILE = new Set(['config', 'print-config', 'json', 'help', 'version']);

/** Options holding a path: a relative value in the file is relative to the file's folder. */
export const PATH_OPTIONS = ['model', 'card', 'out', 'masks', 'annotations', 'stain-target', 'container', 'setup', 'slides-from'] as const;

// A path option's value made absolute against the config file's folder; non-paths (builtin, docker://, a setup snippet) as they are.
function resolvePath(key: string, value: string, dir: string): string {
  if (key === 'setup') return value.startsWith('@') ? `@${resolve(dir, value.slice(1))}` : value;
  if (key === 'stain-target' && value === 'builtin') return value;
  if (key === 'container' && value.includes('://')) return value;
  return isAbsolute(value) ? value : resolve(dir, value);
}

const shown = (v: unknown) =>
  `\`${typeof v === 'string' ? v : JSON.stringify(v)}\` (${Array.isArray(v) ? 'list' : v === null ? 'no value' : typeof v})`;

// The value as the option takes it, or the problem with it.
function typed(key: string, spec: OptionSpec, value: unknown): { value: unknown } | { problem: string; hint: string } {
  const example = `${key}: ${spec.choices ? String(spec.choices[0]) : spec.kind === 'number' ? '4' : spec.kind === 'boolean' ? 'true' : 'VALUE'}`;
  const bad = (expected: string) => ({
    problem: `Expected \`${key}\` to be ${expected}, received ${shown(value)}`,
    hint: `Write e.g. \`${example}\``,
  });
  if (value === null || value === undefined) return bad(spec.kind === 'boolean' ? 'true or false' : `a ${spec.kind}`);
  let v = value;
  if (spec.kind === 'array') v = Array.isArray(value) ? value : [value];
  else if (spec.kind === 'string' && typeof value === 'number') v = String(value);
  const items = Array.isArray(v) ? v : [v];
  if (spec.kind === 'boolean' && typeof v !== 'boolean') return bad('true or false');
  if (spec.kind === 'number' && !(typeof v === 'number' && Number.isFinite(v))) return bad('a number');
  if (spec.kind === 'string' && typeof v !== 'string') return bad('a string');
  if (spec.kind === 'array' && !items.every((x) => typeof x === 'string' || typeof x === 'number')) return bad('a list of values');
  if (items.some((x) => typeof x === 'string' && x.trim() === '')) return bad('a non-empty value');
  if (spec.choices && !items.every((x) => spec.choices?.includes(x))) return bad(`one of ${spec.choices.join(', ')}`);
  return { value: spec.kind === 'array' ? items.map(String) : v };
}

/**
 * The file's entries checked against every command's options: unknown keys (with "did you mean"), a
 * section key its command lacks, wrong types and choices. Throws one ConfigError listing every problem.
 */
export function normalizeConfig(entries: readonly RawEntry[], tables: OptionTables, file: string, dir: string): ConfigFile {
  const problems: Array<{ line: number; problem: string; hint?: string }> = [];
  const commands = Object.keys(tables);
  const allOptions = [...new Set(commands.flatMap((c) => Object.keys(tables[c])))];
  const holders = (key: string) => commands.filter((c) => Object.hasOwn(tables[c], key));
  const unknown = (e: RawEntry, within: string[], what: string) => {
    const byAlias = allOptions.find((o) => commands.some((c) => tables[c][o]?.aliases.includes(e.key)) || o === kebab(e.key));
    const hint = byAlias
      ? `Did you mean \`${byAlias}\`? Keys are long option names as typed on the command line`
      : didYouMean(e.key, within);
    problems.push({
      line: e.line,
      problem: `\`${e.key}\` is not ${what}`,
      hint: hint ?? 'Keys are option names as typed on the command line (see `wsi-hpc COMMAND --help`)',
    });
  };
  // One value checked against the spec of every command it reaches, then made absolute if it is a path.
  const check = (e: RawEntry, reached: string[], prefix: string): unknown => {
    for (const c of reached) {
      const r = typed(e.key, tables[c][e.key], e.value);
      if ('problem' in r) {
        problems.push({ line: e.line, problem: `${prefix}${r.problem}`, hint: r.hint });
        return undefined;
      }
      e = { ...e, value: r.value };
    }
    const isPath = (PATH_OPTIONS as readonly string[]).includes(e.key) && typeof e.value === 'string';
    return isPath ? resolvePath(e.key, e.value as string, dir) : e.value;
  };
  const topLevel: Record<string, unknown> = {};
  const sections: Record<string, Record<string, unknown>> = {};
  for (const e of entries) {
    if (NOT_IN_FILE.has(e.key)) {
      problems.push({ line: e.line, problem: `\`${e.key}\` cannot be set in a config file`, hint: `Give --${e.key} on the command line` });
    } else if (e.entries && commands.includes(e.key)) {
      const section: Record<string, unknown> = {};
      for (const s of e.entries) {
        if (NOT_IN_FILE.has(s.key)) {
          problems.push({
            line: s.line,
            problem: `\`${e.key}: ${s.key}\` cannot be set in a config file`,
            hint: `Give --${s.key} on the command line`,
          });
        } else if (!Object.hasOwn(tables[e.key], s.key)) {
          const others = holders(s.key);
          if (others.length) {
            problems.push({
              line: s.line,
              problem: `\`${e.key}: ${s.key}\`: \`wsi-hpc ${e.key}\` has no option --${s.key}`,
              hint: `Move it to the top level or under a section of a command that has it (${others.join(', ')})`,
            });
          } else unknown(s, Object.keys(tables[e.key]), `an option of \`wsi-hpc ${e.key}\``);
        } else {
          const v = check(s, [e.key], `\`${e.key}: ${s.key}\`: `);
          if (v !== undefined) section[s.key] = v;
        }
      }
      sections[e.key] = section;
    } else if (commands.includes(e.key) && !holders(e.key).length && e.value === null) {
      // `plan:` with every option below commented out: an empty section.
      sections[e.key] = {};
    } else if (commands.includes(e.key) && !holders(e.key).length) {
      problems.push({
        line: e.line,
        problem: `\`${e.key}\` is a section for \`wsi-hpc ${e.key}\` but holds ${shown(e.value)}`,
        hint: `Indent the options of ${e.key} under it (\`${e.key}:\` then \`  OPTION: VALUE\`)`,
      });
    } else if (e.entries) {
      problems.push({
        line: e.line,
        problem: holders(e.key).length
          ? `Expected \`${e.key}\` to be a value, received a mapping`
          : `\`${e.key}\` is not a command (sections are named after commands: ${commands.join(', ')})`,
        hint: didYouMean(e.key, commands) ?? 'Give options as `OPTION: VALUE`',
      });
    } else if (!holders(e.key).length) {
      unknown(e, allOptions, 'an option of any command');
    } else {
      const v = check(e, holders(e.key), '');
      if (v !== undefined) topLevel[e.key] = v;
    }
  }
  if (problems.length) {
    // One problem: its fix is the hint. Several: each line carries its own fix.
    const fix = (h: string | undefined) => (h ? h.replace(/([^.?!])$/, '$1.') : '');
    const generic = `Fix ${file}, or point --config elsewhere`;
    if (problems.length === 1) {
      const [p] = problems;
      throw new ConfigError(`${file}: line ${p.line}: ${p.problem}`, file, `${fix(p.hint)} ${generic}`.trim());
    }
    const lines = problems.map((p) => `  line ${p.line}: ${p.problem}${p.hint ? ` — ${fix(p.hint)}` : ''}`);
    throw new ConfigError(`${file} has ${problems.length} problems:\n${lines.join('\n')}`, file, generic);
  }
  return { file, topLevel, sections };
}

// "Did you mean `stride`?": the file's keys are written without dashes in front.
const didYouMean = (key: string, within: readonly string[]) => suggestOptions([key], within)?.replace(/--([\w-]+)/g, '`$1`');

// `memGb` -> `mem-gb`, for keys written the way the library spells them.
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The config values `command` gets (its section over the top level), each with where it came from. */
export function configValuesFor(
  config: ConfigFile | null,
  command: string,
  table: Readonly<Record<string, unknown>>,
): Map<string, { value: unknown; source: OptionSource }> {
  const out = new Map<string, { value: unknown; source: OptionSource }>();
  if (!config) return out;
  for (const [k, value] of Object.entries(config.topLevel)) if (Object.hasOwn(table, k)) out.set(k, { value, source: 'config' });
  for (const [k, value] of Object.entries(config.sections[command] ?? {})) out.set(k, { value, source: 'config section' });
  return out;
}
