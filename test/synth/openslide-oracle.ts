// Test helper: asks OpenSlide 3.4.1 (Debian's /usr/bin/python3, not the pyenv python on PATH)
// what it sees in a slide, and vips whether every page decodes.
import { execa } from 'execa';

export interface OpenSlideView {
  vendor: string | null;
  levelDimensions: [number, number][];
  levelDownsamples: number[];
  properties: Record<string, string>;
  associated: Record<string, [number, number]>;
  /** Mean [r, g, b] of each requested level-0 window. */
  means: [number, number, number][];
}

const SCRIPT = `
import json, sys, openslide
req = json.loads(sys.argv[1])
s = openslide.OpenSlide(req['path'])
means = []
for (x, y, w, h) in req['windows']:
    img = s.read_region((x, y), 0, (w, h)).convert('RGB')
    px = list(img.getdata())
    means.append([sum(p[c] for p in px) / len(px) for c in range(3)])
print(json.dumps({
    'vendor': openslide.OpenSlide.detect_format(req['path']),
    'levelDimensions': s.level_dimensions,
    'levelDownsamples': s.level_downsamples,
    'properties': dict(s.properties),
    'associated': {k: v.size for k, v in s.associated_images.items()},
    'means': means,
}))
`;

/** Open `path` with OpenSlide and average the given (x, y, width, height) level-0 windows. */
export async function openSlideView(path: string, windows: [number, number, number, number][] = []): Promise<OpenSlideView> {
  const { stdout } = await execa('/usr/bin/python3', ['-c', SCRIPT, JSON.stringify({ path, windows })]);
  return JSON.parse(stdout) as OpenSlideView;
}

/** Decode page `page` of a TIFF completely with vips' own TIFF loader (not OpenSlide's); returns its exit code. */
export async function vipsDecodesPage(path: string, page: number, scratch: string): Promise<number> {
  const load = await execa('vips', ['tiffload', path, scratch, '--page', String(page)], { reject: false });
  if (load.exitCode !== 0) return load.exitCode ?? 1;
  const avg = await execa('vips', ['avg', scratch], { reject: false });
  return avg.exitCode ?? 1;
}
