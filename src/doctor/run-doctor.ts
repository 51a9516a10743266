// Runs every doctor check concurrently, each under its own time limit and error boundary, so one hung
// or crashing check never stops or hides the others. The checks themselves live in checks-*.ts.
import { checkDisk, checkFilesystem } from './checks-filesystem.js';
import { classifyGpus, findGpus } from './checks-gpu.js';
import { checkOpenSlide, checkSharp, checkTurboJpeg, checkVipsCli } from './checks-imaging.js';
import { checkOrtCpu, checkOrtCuda } from './checks-onnx.js';
import { checkNode, checkPackages } from './checks-runtime.js';
import { checkAccounting, checkPartitions, checkSlurmConfig } from './checks-slurm.js';
import type { CheckResult, DoctorOptions, DoctorReport } from './types.js';

// A check that throws or outlives its limit becomes a `fail` result naming what happened.
async function guarded(id: string, limitMs: number, check: () => Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult[]>((res) => {
    timer = setTimeout(
      () =>
        res([
          {
            id,
            status: 'fail',
            finding: `the check did not finish within ${limitMs / 1000} s`,
            detail: 'Something it loads or runs hangs on this node.',
            fix: `Run \`wsi-hpc doctor --timeout ${Math.ceil((limitMs / 1000) * 3)}\`; if it still hangs, report it with WSI_HPC_DEBUG=1.`,
          },
        ]),
      limitMs,
    );
    timer.unref();
  });
  try {
    const done = check().then(
      (r) => (Array.isArray(r) ? r : [r]),
      (err: unknown): CheckResult[] => [
        {
          id,
          status: 'fail',
          finding: `the check itself failed: ${err instanceof Error ? err.message : String(err)}`,
          fix: 'Please report this.',
        },
      ],
    );
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every check of doctor, in a fixed order; `ok` is false when any check is `fail`. */
export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const toolMs = o.timeoutS * 1000;
  // A check's own commands time out at toolMs; the guard leaves them room to report it first.
  const limitMs = toolMs + 2000;
  const runDir = o.runDir ?? process.cwd();
  const g = (id: string, check: () => Promise<CheckResult | CheckResult[]>) => guarded(id, limitMs, check);
  const gpus = findGpus(o.env, toolMs);
  const groups = await Promise.all([
    g('node', async () => checkNode()),
    g('packages', async () => checkPackages()),
    g('libvips', checkSharp),
    g('vips-cli', () => checkVipsCli(toolMs, o.env)),
    g('openslide', checkOpenSlide),
    g('turbojpeg', async () => checkTurboJpeg(o.env)),
    g('ort-cpu', checkOrtCpu),
    g('ort-cuda', async () => checkOrtCuda((await gpus).gpu)),
    g('gpus', async () => classifyGpus(await gpus)),
    g('slurm', () => checkSlurmConfig(toolMs, o.env)),
    g('slurm-partitions', () => checkPartitions(toolMs, o.env)),
    g('slurm-accounting', () => checkAccounting(toolMs, o.env)),
    g('filesystem', () => checkFilesystem(runDir)),
    g('disk', () => checkDisk(runDir)),
  ]);
  const checks = groups.flat();
  return { checks, ok: checks.every((c) => c.status !== 'fail') };
}
