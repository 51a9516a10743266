// Reads one picture and returns it as a data: URI for report.html (the study's frontier plot; slide
// pictures are not embedded, their pages reference the run folder's files): raster images downscaled
// (sharp) to fit a square of `maxEdgePx`, SVG embedded as it is; photographs as JPEG, line art as PNG.
import { readFile } from 'node:fs/promises';
import type { ReportImage } from './types.js';

/** Longest edge of an embedded raster image, pixels. @default 800 */
export const MAX_IMAGE_EDGE_PX = 800;

/** Encoding of an embedded raster image: `jpeg` for photographs, `png` for masks and line art. */
export type EmbedFormat = 'jpeg' | 'png';

/** The image at `path` as a data: URI, or null when the file is absent or not an image. */
export async function embedImage(path: string, format: EmbedFormat = 'png', maxEdgePx = MAX_IMAGE_EDGE_PX): Promise<ReportImage | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    // Absent output (a failed or unmerged slide): the report shows a placeholder instead.
    return null;
  }
  if (path.toLowerCase().endsWith('.svg')) return embedSvg(bytes);
  const { default: sharp } = await import('sharp');
  try {
    const resized = sharp(bytes).resize({ width: maxEdgePx, height: maxEdgePx, fit: 'inside', withoutEnlargement: true });
    const encoded =
      format === 'jpeg' ? resized.flatten({ background: '#ffffff' }).jpeg({ quality: 82 }) : resized.png({ compressionLevel: 9 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { dataUri: `data:image/${format};base64,${data.toString('base64')}`, width: info.width, height: info.height };
  } catch {
    // A corrupt or truncated picture must not stop the report; it is shown as missing.
    return null;
  }
}

// An <img> never runs an SVG's scripts, so the SVG goes in unchanged; its size comes from the root element.
function embedSvg(bytes: Buffer): ReportImage | null {
  const text = bytes.toString('utf8');
  if (!/<svg[\s>]/.test(text)) return null;
  const attr = (name: string) => Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)`).exec(text)?.[1] ?? Number.NaN);
  const box = /<svg[^>]*\sviewBox="[\d.\s-]*?([\d.]+)\s+([\d.]+)"/.exec(text);
  const width = attr('width') || Number(box?.[1]) || MAX_IMAGE_EDGE_PX;
  const height = attr('height') || Number(box?.[2]) || Math.round(MAX_IMAGE_EDGE_PX * 0.6);
  return { dataUri: `data:image/svg+xml;base64,${bytes.toString('base64')}`, width, height };
}
