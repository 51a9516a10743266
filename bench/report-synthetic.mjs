// A synthetic merged run folder of N slides for the report's scale test and benchmark: a valid
// plan.json (slide list metadata included), done markers, scores.csv and three small shared PNGs
// symlinked per slide. No slide is read; seconds for 10,000 slides. Shared by bench and test/report.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const SITES = ['oslo', 'lyon', 'kyoto', 'austin', 'recife'];

/** Deterministic pseudo-random numbers in [0, 1) (a small LCG), so every build is the same. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

async function sharedPictures(dir) {
  await mkdir(dir, { recursive: true });
  const make = (name, width, height, background) =>
    sharp({ create: { width, height, channels: 3, background } })
      .png()
      .toFile(join(dir, name))
      .then(() => join(dir, name));
  return {
    qc: await make('qc.png', 690, 530, '#d8a0c0'),
    mask: await make('mask.png', 345, 265, '#ffffff'),
    heatmap: await make('heatmap.png', 690, 530, '#3050c0'),
  };
}

/**
 * Writes a run folder of `slides` slides into `dir` (replacing it), pictures symlinked from `pictures`. Every `failEvery`-th slide failed
 * planning (SLIDE_TRUNCATED); the others are planned, merged and scored. Returns the plan written.
 */
export async function makeSyntheticRun(dir, { slides = 1000, failEvery = 25, slidesPerShard = 10, seed = 7, pictures: given } = {}) {
  await rm(dir, { recursive: true, force: true });
  for (const sub of ['qc', 'masks', 'heatmaps', 'markers/pack', 'markers/infer', 'markers/merge'])
    await mkdir(join(dir, sub), { recursive: true });
  // `pictures` ({qc, mask, heatmap} absolute paths) replaces the plain generated ones, e.g. by real QC pictures.
  const pictures = given ?? (await sharedPictures(join(dir, 'synthetic-pictures')));
  const rnd = random(seed);
  const planHash = 'ab'.repeat(32);
  const list = [];
  for (let i = 0; i < slides; i++) {
    const n = String(i + 1).padStart(5, '0');
    const id = `slide-${n}-${(0x10000000 + i * 7919).toString(16).slice(-8)}`;
    const name = `slide-${n}.svs`;
    const metadata = { site: SITES[i % SITES.length], age: String(Math.floor(rnd() * 110)), label: i % 3 === 0 ? 'tumor' : 'normal' };
    const common = { id, path: `/data/cohort/${name}`, name, sizeBytes: 1e8 + i, mtimeMs: 1.7e12, metadata };
    if (failEvery > 0 && i % failEvery === failEvery - 1) {
      list.push({
        ...common,
        status: 'failed',
        error: { code: 'SLIDE_TRUNCATED', message: `${common.path}: the file ends early`, hint: 'Copy it again' },
      });
      continue;
    }
    const count = 50 + Math.floor(rnd() * 2000);
    list.push({
      ...common,
      status: 'planned',
      info: {
        format: 'aperio-svs',
        vendor: 'aperio',
        width: 80000,
        height: 60000,
        mpp: 0.25,
        mppSource: 'tiff',
        objectivePower: 40,
        levels: [],
      },
      tissue: { tissueFraction: Math.round(rnd() * 1000) / 1000 },
      grid: { file: `grids/${id}.grid`, sha256: '0'.repeat(64), count, patchSizePx: 224, readSizePx: 224, stridePx: 224, level: 0 },
      outputs: { mask: `masks/${id}.png`, qc: `qc/${id}.png`, tissue: `tissue/${id}.geojson`, thumbnail: `thumbnails/${id}.png` },
    });
  }
  const planned = list.filter((s) => s.status === 'planned');
  const shards = [];
  for (let k = 0; k < planned.length; k += slidesPerShard) {
    let offset = 0;
    const segments = planned.slice(k, k + slidesPerShard).map((s) => {
      const seg = { slideId: s.id, start: 0, end: s.grid.count, offset };
      offset += s.grid.count;
      return seg;
    });
    shards.push({
      index: shards.length,
      id: `shard-${String(shards.length).padStart(5, '0')}`,
      patches: offset,
      segments,
      expectedBytes: offset * 224 * 224 * 3,
    });
  }
  const patches = planned.reduce((t, s) => t + s.grid.count, 0);
  const plan = {
    schemaVersion: 1,
    tool: { name: 'wsi-hpc', version: '0.1.0' },
    params: {
      grid: { patchSizePx: 224, stridePx: 224, mpp: 0.5 },
      tissue: { method: 'otsu' },
      slideMpp: null,
      masksDir: null,
      shards: {},
      pack: {},
      stain: null,
    },
    paramsHash: 'cd'.repeat(32),
    planHash,
    slides: list,
    totals: {
      slides: list.length,
      planned: planned.length,
      failed: list.length - planned.length,
      patches,
      shards: shards.length,
      bytes: patches * 150528,
    },
    shards: { targetPatches: 10000, maxOverMean: 1.1, list: shards },
    tasks: { pack: shards.map((s) => ({ task: s.index, shards: [s.index] })) },
    slideList: { file: '/data/cohort/slides.csv', columns: ['site', 'age', 'label'] },
  };
  await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
  const marker = (stage, unit, result) =>
    writeFile(
      join(dir, 'markers', stage, `${unit}.json`),
      JSON.stringify({ stage, unit, status: 'done', planHash, host: 'node1', startedAt: '', finishedAt: '', seconds: 1.5, result }),
    );
  for (const s of shards) {
    await marker('pack', s.id, { patches: s.patches });
    await marker('infer', s.id, { patches: s.patches, patchesPerSecond: 400, provider: 'cpu', threads: 2, batchSize: 32 });
  }
  await marker('merge', 'merge', {});
  const rows = ['slide_id,name,status,patches,max,top10_mean,mean,fraction_ge_0.5,regions'];
  for (const s of planned) {
    const max = rnd();
    const top = max * (0.5 + rnd() / 2);
    rows.push(
      `${s.id},${s.name},merged,${s.grid.count},${max.toFixed(6)},${top.toFixed(6)},${(top / 2).toFixed(6)},0,${Math.floor(rnd() * 4)}`,
    );
  }
  await writeFile(join(dir, 'scores.csv'), `${rows.join('\n')}\n`);
  for (const s of planned) {
    await symlink(pictures.qc, join(dir, 'qc', `${s.id}.png`));
    await symlink(pictures.mask, join(dir, 'masks', `${s.id}.png`));
    await symlink(pictures.heatmap, join(dir, 'heatmaps', `${s.id}.png`));
  }
  return plan;
}
