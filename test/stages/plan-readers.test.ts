// `wsi-hpc plan --reader` through the built CLI on a mixed folder: real TIFF slides (synthetic cohort and the
// shared Aperio SVS), fake files of every vendor extension, an MRXS file with its companion folder and files
// no backend reads. Vendor files are discovered and fail at plan naming file and format (exit 1) while the
// TIFF slides are planned with backend `native`; `--reader native` refuses vendor files; the reader is a
// plan parameter (another reader replans).
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPENSLIDE_FORMATS, type PlanFile } from '../../src/plan/index.js';
import { cli, linkSlide, makeCohort, makeTempDir, parseJson, SYSTEM_PYTHON, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let mixed: string;
let tiffs: string[];
const VENDOR_FILES = Object.keys(OPENSLIDE_FORMATS).map((ext) => `vendor${ext}`);

interface SlideJson {
  name: string;
  status: string;
  backend: string | null;
  error?: { code: string; message: string; hint?: string };
}
interface PlanJson {
  totals: { slides: number; planned: number; failed: number };
  reader: string;
  reused: string[];
  skipped: Array<{ path: string; reason: string; detail: string }>;
  slides: SlideJson[];
}

const readPlanFile = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));

beforeAll(async () => {
  tmp = await makeTempDir('plan-readers');
  mixed = join(tmp.dir, 'mixed');
  await mkdir(mixed);
  // The cohort's own cohort.json, annotations/ and geometry/ stay out of the mixed folder.
  const cohort = await makeCohort(join(tmp.dir, 'cohort'), 2, 3000, 2500, 11);
  tiffs = cohort.manifest.slides.map((s) => s.file);
  for (const f of tiffs) await linkSlide(join(cohort.outDir, f), join(mixed, f));
  const he = smallHePath();
  if (he) {
    await linkSlide(he, join(mixed, 'small_HE.svs'));
    tiffs.push('small_HE.svs');
  }
  for (const f of VENDOR_FILES) await writeFile(join(mixed, f), 'not a real slide\n');
  // vendor.mrxs gets its companion folder, as 3DHistech writes it.
  await mkdir(join(mixed, 'vendor'));
  await writeFile(join(mixed, 'vendor', 'Slidedat.ini'), '[GENERAL]\n');
  for (const f of ['notes.txt', 'scan.czi', 'scan.isyntax']) await writeFile(join(mixed, f), 'x');
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('plan --reader on a mixed folder', () => {
  test('vendor files are planned and fail naming file and format (exit 1); TIFF slides are planned with backend native', async () => {
    const run = join(tmp.dir, 'run-auto');
    const r = await cli(['plan', mixed, '--out', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const json = parseJson<PlanJson>(r);
    expect(json.reader).toBe('auto');
    expect(json.totals).toMatchObject({ slides: tiffs.length + VENDOR_FILES.length, planned: tiffs.length, failed: VENDOR_FILES.length });
    const byName = new Map(json.slides.map((s) => [s.name, s]));
    for (const name of tiffs) expect(byName.get(name)).toMatchObject({ status: 'planned', backend: 'native' });
    for (const name of VENDOR_FILES) {
      const s = byName.get(name) as SlideJson;
      expect(s.status, name).toBe('failed');
      expect(s.backend).toBeNull();
      expect(s.error?.message).toContain(join(mixed, name));
      const format = OPENSLIDE_FORMATS[name.slice(name.lastIndexOf('.'))];
      expect(s.error?.message, name).toContain(format);
    }
    // The MRXS companion folder belongs to vendor.mrxs: not skipped; the unsupported files are, with reasons.
    expect(json.skipped.map((s) => [basename(s.path), s.reason])).toEqual([
      ['notes.txt', 'unsupported-format'],
      ['scan.czi', 'unsupported-format'],
      ['scan.isyntax', 'unsupported-format'],
    ]);
    expect(json.skipped[1].detail).toMatch(/Zeiss CZI: neither the built-in TIFF reader nor OpenSlide reads it/);
    const plan = await readPlanFile(run);
    expect(plan.params.reader).toBeUndefined();
    for (const s of plan.slides) {
      if (tiffs.includes(s.name)) expect(s.info?.backend, s.name).toBe('native');
      else expect(s.info).toBeUndefined();
    }
  }, 180_000);

  test('the plan table has a backend column', async () => {
    const r = await cli(['plan', join(mixed, tiffs[0]), '--out', join(tmp.dir, 'run-table'), '--dry-run']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const [header, , row] = String(r.stdout).split('\n');
    expect(header).toMatch(/^slide +size +backend +mpp +level/);
    expect(row).toMatch(new RegExp(`^${tiffs[0].replace('.', '\\.')} +\\d+x\\d+ +native +`));
  }, 60_000);

  test('--reader native on an .ndpi fails that slide: the native reader reads TIFF/SVS only, use --reader auto/openslide', async () => {
    const run = join(tmp.dir, 'run-native');
    const r = await cli(['plan', join(mixed, tiffs[0]), join(mixed, 'vendor.ndpi'), '--out', run, '--reader', 'native', '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const json = parseJson<PlanJson>(r);
    expect(json.reader).toBe('native');
    const ndpi = json.slides.find((s) => s.name === 'vendor.ndpi') as SlideJson;
    expect(ndpi.error).toEqual({
      code: 'SLIDE_NOT_TIFF',
      message: `${join(mixed, 'vendor.ndpi')}: Hamamatsu NDPI slide, but --reader native was given and the native reader reads TIFF/SVS only (.svs .tif .tiff .btf .tf8 .tf2)`,
      hint: 'Plan it with --reader auto (the default) or --reader openslide: OpenSlide reads it',
    });
    expect(json.slides.find((s) => s.name === tiffs[0])).toMatchObject({ status: 'planned', backend: 'native' });
    expect((await readPlanFile(run)).params.reader).toBe('native');
  }, 60_000);

  test('the reader is a plan parameter: the same reader reuses slides, another one replans them', async () => {
    const run = join(tmp.dir, 'run-replan');
    const slide = join(mixed, tiffs[0]);
    const plan = (...extra: string[]) => cli(['plan', slide, '--out', run, '--json', ...extra]);
    const first = parseJson<PlanJson>(await plan());
    expect(first.reused).toEqual([]);
    const hashAuto = (await readPlanFile(run)).paramsHash;
    expect(parseJson<PlanJson>(await plan('--reader', 'auto')).reused).toHaveLength(1);
    const native = parseJson<PlanJson>(await plan('--reader', 'native'));
    expect(native.reused).toEqual([]);
    const planNative = await readPlanFile(run);
    expect(planNative.params.reader).toBe('native');
    expect(planNative.paramsHash).not.toBe(hashAuto);
    expect(parseJson<PlanJson>(await plan('--reader', 'native')).reused).toHaveLength(1);
  }, 120_000);

  test('a DICOM folder is skipped with its reason when OpenSlide is missing or older than 4.0; the TIFF slide is planned', async () => {
    const dir = join(tmp.dir, 'dicom-cohort');
    await mkdir(join(dir, 'case-dicom'), { recursive: true });
    await linkSlide(join(mixed, tiffs[0]), join(dir, tiffs[0]));
    for (const f of ['1.dcm', '2.dcm']) await writeFile(join(dir, 'case-dicom', f), '');
    const plan = (env?: Record<string, string>) => cli(['plan', dir, '--out', join(tmp.dir, 'run-dicom'), '--dry-run', '--json'], { env });
    const missing = await plan({ WSI_HPC_OPENSLIDE: '/nonexistent.so' });
    expect(missing.exitCode, String(missing.stderr)).toBe(0);
    const json = parseJson<PlanJson>(missing);
    expect(json.totals.planned).toBe(1);
    expect(json.skipped).toEqual([
      {
        path: join(dir, 'case-dicom'),
        reason: 'needs-openslide-4',
        detail:
          'a DICOM slide folder (2 .dcm files): needs OpenSlide 4 (DICOM); no OpenSlide library was found (install OpenSlide >= 4.0, or convert it to a pyramidal TIFF)',
      },
    ]);
    // The system's OpenSlide, as Python OpenSlide reports it (Debian 12: 3.4.1, no DICOM).
    const system = execFileSync(SYSTEM_PYTHON, ['-c', 'import openslide; print(openslide.__library_version__)'], {
      encoding: 'utf8',
    }).trim();
    const found = parseJson<PlanJson>(await plan());
    if (Number.parseInt(system, 10) >= 4) expect(found.totals.slides).toBe(2);
    else expect(found.skipped[0].detail).toContain(`needs OpenSlide 4 (DICOM); the OpenSlide found is ${system} `);
  }, 120_000);

  test('pack refuses a plan.json whose recorded backend or reader was edited to an unknown one (PLAN_INVALID naming the field)', async () => {
    const run = join(tmp.dir, 'run-edited');
    expect((await cli(['plan', join(mixed, tiffs[0]), '--out', run, '-q'])).exitCode).toBe(0);
    const original = await readFile(join(run, 'plan.json'), 'utf8');
    const edits: Array<[(p: PlanFile) => void, string]> = [
      [(p) => Object.assign(p.slides[0].info as object, { backend: 'bioformats' }), 'slides[0].info.backend: "bioformats" is neither'],
      [(p) => Object.assign(p.params, { reader: 'auto' }), 'params.reader: "auto" is neither "native" nor "openslide" (absent: auto)'],
    ];
    for (const [edit, problem] of edits) {
      const plan = JSON.parse(original) as PlanFile;
      edit(plan);
      await writeFile(join(run, 'plan.json'), JSON.stringify(plan));
      const r = await cli(['pack', run, '--json']);
      expect(r.exitCode, String(r.stderr)).toBe(1);
      const { error } = parseJson<{ error: { code: string; message: string } }>(r);
      expect(error.code).toBe('PLAN_INVALID');
      expect(error.message).toContain(problem);
    }
  }, 120_000);

  test('an unknown --reader is a usage error (exit 2)', async () => {
    const r = await cli(['plan', join(mixed, tiffs[0]), '--out', join(tmp.dir, 'run-bad'), '--reader', 'bioformats']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/reader/);
  }, 60_000);
});
