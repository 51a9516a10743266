// Checks of the image libraries: sharp's bundled libvips (pack decodes with it), the optional `vips` CLI,
// the optional system OpenSlide (loaded through koffi by slide/openslide, the same loader the readers use) and
// libjpeg-turbo's TurboJPEG, which pack's decode workers load the same way.
import { OPENSLIDE_FORMATS, readsDicom } from '../plan/index.js';
import { getOpenSlide, OPENSLIDE_INSTALL_HINT } from '../slide/index.js';
import { loadTurboJpeg, TURBOJPEG_INSTALL_HINT } from '../slide/tiff/turbojpeg.js';
import { runTool, type ToolResult } from './run-tool.js';
import type { CheckResult } from './types.js';

/** `vips --version` ("vips-8.14.1") on PATH; absent is fine: wsi-hpc decodes with sharp's own libvips. */
export async function checkVipsCli(timeoutMs: number, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const r: ToolResult = await runTool('vips', ['--version'], timeoutMs, env);
  const adds = 'It converts slides wsi-hpc cannot read natively into tiled pyramidal TIFFs (`vips tiffsave in out.tif --tile --pyramid`).';
  if (r.isMissing)
    return {
      id: 'vips-cli',
      status: 'absent',
      finding: 'the `vips` command is not on PATH (optional)',
      detail: `wsi-hpc itself does not need it (sharp bundles libvips). ${adds}`,
      fix: '`apt install libvips-tools`, `conda install -c conda-forge libvips`, or `module load libvips`.',
    };
  const version = /vips-(\S+)/.exec(r.stdout)?.[1] ?? null;
  if (r.exitCode === 0 && version)
    return { id: 'vips-cli', status: 'ok', finding: `vips ${version} on PATH (optional)`, data: { version } };
  return {
    id: 'vips-cli',
    status: 'warn',
    finding: `\`vips --version\` did not report a version (${r.isTimedOut ? 'timed out' : `exit ${r.exitCode}`}: "${(r.stderr || r.stdout).trim().slice(0, 120)}")`,
    detail: `The vips on PATH looks broken; wsi-hpc does not need it. ${adds}`,
    fix: 'Reinstall libvips-tools, or take the broken vips off PATH.',
  };
}

/** sharp loads and reports the libvips it bundles; without it pack cannot decode tiles. */
export async function checkSharp(): Promise<CheckResult> {
  try {
    const sharp = (await import('sharp')).default;
    const data = { sharp: sharp.versions.sharp ?? null, libvips: sharp.versions.vips };
    return { id: 'libvips', status: 'ok', finding: `sharp ${data.sharp} with libvips ${data.libvips}`, data };
  } catch (err) {
    return {
      id: 'libvips',
      status: 'fail',
      finding: `sharp (libvips) could not be loaded: ${(err as Error).message.split('\n')[0]}`,
      detail: 'pack decodes slide tiles with sharp: it cannot run.',
      fix: 'Run `npm ci` again on this machine type (sharp downloads the libvips build for the platform); see https://sharp.pixelplumbing.com/install',
    };
  }
}

const FORMATS = [...new Set(Object.values(OPENSLIDE_FORMATS))].join(', ');

/** Whether the system OpenSlide loads, and its version. */
export async function checkOpenSlide(): Promise<CheckResult> {
  const load = await getOpenSlide();
  if (load.isLoaded) {
    const data = { version: load.binding.version, source: load.binding.source, readsDicom: readsDicom(load.binding.version) };
    const dicom = data.readsDicom ? ', DICOM too' : '; DICOM needs OpenSlide 4';
    return { id: 'openslide', status: 'ok', finding: `OpenSlide ${data.version} (${data.source}): reads ${FORMATS}${dicom}`, data };
  }
  return {
    id: 'openslide',
    status: 'absent',
    finding: `OpenSlide is not available (optional): ${load.reason}`,
    detail:
      `Pyramidal TIFF and Aperio SVS are read natively; OpenSlide adds ${FORMATS} (and DICOM from OpenSlide 4). ` +
      'Without it, slides in those formats fail with OPENSLIDE_MISSING.',
    fix: OPENSLIDE_INSTALL_HINT,
  };
}

/** Whether TurboJPEG loads as pack's decode workers load it (WSI_HPC_TURBOJPEG, else the loader path). */
export async function checkTurboJpeg(env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const tj = loadTurboJpeg(env);
  if (typeof tj !== 'string') {
    return {
      id: 'turbojpeg',
      status: 'ok',
      finding: `TurboJPEG (${tj.source}): pack decodes JPEG tiles on worker threads`,
      data: { source: tj.source },
    };
  }
  return {
    id: 'turbojpeg',
    status: 'warn',
    finding: `TurboJPEG is not available: ${tj}`,
    detail: 'pack still works: JPEG-tiled slides are decoded by libvips instead, at about twice the CPU-seconds per patch.',
    fix: TURBOJPEG_INSTALL_HINT,
  };
}
