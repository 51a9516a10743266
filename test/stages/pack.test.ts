// The pack stage end to end through the built CLI: shards checked patch by patch against OpenSlide
// (read with h5py), resume after a kill, a slide failing alone, task selection, gzip.
import { execFileSync } from 'node:child_process';
import { copyFile, readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { BIN, cli, linkSlide, makeCohort, makeTempDir, oracle, parseJson, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;

/** h5py's view of a shard's content: hashes of every dataset and the attributes. */
function contentDigest(file: string): string {
  return execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      `
import h5py, hashlib, json, sys
f = h5py.File(sys.argv[1], 'r')
out = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset):
        out[name] = [list(obj.shape), str(obj.dtype), hashlib.sha256(obj[()].tobytes() if obj.dtype.kind != 'O' else repr(obj[()].tolist()).encode()).hexdigest()]
f.visititems(visit)
out['attrs'] = {k: str(v) for k, v in sorted(f.attrs.items())}
print(json.dumps(out, sort_keys=True))
`,
      file,
    ],
    { encoding: 'utf8' },
  );
}

async function readPlanFile(run: string): Promise<PlanFile> {
  return JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
}

beforeAll(async () => {
  tmp = await makeTempDir('pack');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 7000, 5000, 21);
  const he = smallHePath();
  if (he) await linkSlide(he, join(slides, 'small_HE.svs'));
});
afterAll(() => tmp?.cleanup());

describe('wsi-hpc pack', () => {
  test('every packed patch equals OpenSlide at its recorded coordinates (h5py reads the shards)', async () => {
    const run = join(tmp.dir, 'run-main');
    expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '150', '--shards-per-task', '2', '-q'])).exitCode).toBe(0);
    const r = await cli(['pack', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson(r);
    const plan = await readPlanFile(run);
    expect(result.shards.map((s: { status: string }) => s.status)).toEqual(plan.shards.list.map(() => 'done'));
    const files = plan.shards.list.map((s) => join(run, 'shards', `${s.id}.h5`));
    const checks = JSON.parse(oracle('shard_vs_openslide.py', [join(run, 'plan.json'), ...files]));
    expect(checks.reduce((n: number, c: { compared: number }) => n + c.compared, 0)).toBe(plan.totals.patches);
    for (const c of checks) {
      expect(c.worstMae, c.shard).toBeLessThan(1.5);
      expect(c.attrs).toMatchObject({ layout_version: 1, plan_hash: plan.planHash, patch_size: 224 });
    }
    if (smallHePath()) expect(plan.slides.some((s) => s.name === 'small_HE.svs' && (s.grid?.count ?? 0) > 0)).toBe(true);
    const dump = execFileSync('h5dump', ['-H', files[0]], { encoding: 'utf8' });
    expect(dump).toMatch(/DATASET "patches"[\s\S]*H5T_STD_U8LE[\s\S]*DATASPACE {2}SIMPLE \{ \( \d+, 224, 224, 3 \)/);
    // A second run skips every verified shard.
    const again = parseJson(await cli(['pack', run, '--json', '--verify']));
    expect(again.shards.every((s: { status: string }) => s.status === 'skipped')).toBe(true);
  });

  test('a killed pack resumes to shards identical in content to an uninterrupted run', async () => {
    const a = join(tmp.dir, 'run-a');
    const b = join(tmp.dir, 'run-b');
    for (const run of [a, b]) expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '60', '-q'])).exitCode).toBe(0);
    expect((await cli(['pack', a, '-q'])).exitCode).toBe(0);
    const child = execa('node', [BIN, 'pack', b, '-q'], { reject: false });
    // Kill as soon as the first shard is complete, mid-way through the run.
    const markers = join(b, 'markers', 'pack');
    for (let i = 0; i < 2000; i++) {
      const names = await readdir(markers).catch(() => [] as string[]);
      if (names.some((n) => n.startsWith('shard-'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await child;
    const plan = await readPlanFile(b);
    const doneAfterKill = (await readdir(markers)).filter((n) => n.startsWith('shard-')).length;
    expect(doneAfterKill).toBeGreaterThan(0);
    expect(doneAfterKill).toBeLessThan(plan.shards.list.length);
    const resumed = parseJson(await cli(['pack', b, '--json']));
    expect(resumed.shards.filter((s: { status: string }) => s.status === 'skipped').length).toBe(doneAfterKill);
    expect(resumed.failed).toBe(0);
    expect((await readdir(join(b, 'shards'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    for (const s of plan.shards.list) {
      expect(contentDigest(join(b, 'shards', `${s.id}.h5`)), s.id).toBe(contentDigest(join(a, 'shards', `${s.id}.h5`)));
    }
  });

  test('SIGUSR2 (SLURM preemption warning) finishes the current shard, stops, and a rerun continues', async () => {
    const run = join(tmp.dir, 'run-usr2');
    expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '60', '-q'])).exitCode).toBe(0);
    const plan = await readPlanFile(run);
    const child = execa('node', [BIN, 'pack', run, '--json'], { reject: false });
    const markers = join(run, 'markers', 'pack');
    for (let i = 0; i < 2000; i++) {
      if ((await readdir(markers).catch(() => [] as string[])).some((n) => n.startsWith('shard-'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGUSR2');
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('SIGUSR2 received');
    const done = JSON.parse(String(r.stdout)).shards.filter((s: { status: string }) => s.status === 'done').length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(plan.shards.list.length);
    expect((await readdir(markers)).filter((n) => n.startsWith('shard-')).length).toBe(done);
    const rest = parseJson(await cli(['pack', run, '--json']));
    expect(rest.shards.filter((s: { status: string }) => s.status === 'skipped').length).toBe(done);
    expect(rest.failed).toBe(0);
  });

  test('a slide that fails to read fails its shards alone, with the reason; the others complete', async () => {
    const own = join(tmp.dir, 'slides-broken');
    const cohort = await makeCohort(own, 2, 5000, 4000, 33);
    const run = join(tmp.dir, 'run-broken');
    expect((await cli(['plan', own, '--out', run, '--patches-per-shard', '1000000', '-q'])).exitCode).toBe(0);
    const plan = await readPlanFile(run);
    // One shard per slide is wanted here: split by slide with a tiny shard size instead.
    expect(plan.shards.list.length).toBe(1);
    const run2 = join(tmp.dir, 'run-broken2');
    const perSlide = plan.slides[0].grid?.count ?? 0;
    expect((await cli(['plan', own, '--out', run2, '--patches-per-shard', String(perSlide), '-q'])).exitCode).toBe(0);
    const victim = join(own, cohort.manifest.slides[1].file);
    await copyFile(victim, `${victim}.bak`);
    await truncate(victim, 100_000);
    const r = await cli(['pack', run2, '--json']);
    expect(r.exitCode).toBe(1);
    const result = parseJson(r);
    const statuses = result.shards.map((s: { status: string }) => s.status);
    expect(statuses).toContain('done');
    expect(statuses).toContain('failed');
    const failed = result.shards.find((s: { status: string }) => s.status === 'failed');
    expect(failed.error.message).toContain(cohort.manifest.slides[1].file);
    const marker = JSON.parse(await readFile(join(run2, 'markers', 'pack', `${failed.shard}.json`), 'utf8'));
    expect(marker).toMatchObject({ status: 'failed', error: { message: expect.stringContaining(cohort.manifest.slides[1].file) } });
    await copyFile(`${victim}.bak`, victim);
  });

  test('--task and SLURM_ARRAY_TASK_ID + WSI_HPC_TASK_OFFSET pick the task; an index past the end is exit 2', async () => {
    const run = join(tmp.dir, 'run-task');
    expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '--shards-per-task', '2', '-q'])).exitCode).toBe(0);
    const plan = await readPlanFile(run);
    expect(plan.tasks.pack.length).toBeGreaterThan(2);
    const viaEnv = parseJson(await cli(['pack', run, '--json'], { env: { SLURM_ARRAY_TASK_ID: '0', WSI_HPC_TASK_OFFSET: '2' } }));
    expect(viaEnv.task).toBe(2);
    expect(viaEnv.shards.map((s: { shard: string }) => s.shard)).toEqual(plan.tasks.pack[2].shards.map((i) => plan.shards.list[i].id));
    const bad = await cli(['pack', run, '--task', String(plan.tasks.pack.length), '--json']);
    expect(bad.exitCode).toBe(2);
    expect(parseJson(bad).error.message).toContain(`from 0 to ${plan.tasks.pack.length - 1}`);
  });

  test('gzip shards hold the same pixels as raw ones and are smaller', async () => {
    const raw = join(tmp.dir, 'run-raw');
    const gz = join(tmp.dir, 'run-gzip');
    const one = join(slides, (await readdir(slides)).find((n) => n.endsWith('.tif')) ?? '');
    expect((await cli(['plan', one, '--out', raw, '-q'])).exitCode).toBe(0);
    expect((await cli(['plan', one, '--out', gz, '--compression', 'gzip:6', '-q'])).exitCode).toBe(0);
    const rr = parseJson(await cli(['pack', raw, '--json']));
    const rg = parseJson(await cli(['pack', gz, '--json']));
    expect(rg.shards[0].checksum).toBe(rr.shards[0].checksum);
    expect(rr.shards[0].checksum).toMatch(/^[0-9a-f]{16}$/); // xxh64
    expect(rg.shards[0].bytes).toBeLessThan(rr.shards[0].bytes);
    const info = JSON.parse(oracle('shard_vs_openslide.py', [join(gz, 'plan.json'), join(gz, 'shards', 'shard-00000.h5')]));
    expect(info[0]).toMatchObject({ compression: 'gzip' });
    expect(info[0].worstMae).toBeLessThan(1.5);
  });

  test('an unknown codec is refused at plan time with the allowed ones', async () => {
    const r = await cli(['plan', slides, '--out', join(tmp.dir, 'lzf'), '--compression', 'lzf']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('Expected `--compression` to be none, gzip or gzip:LEVEL with LEVEL 1-9, received `lzf`');
  });
});
