// TIFF-based vendor formats whose levels, padding and resolution live in vendor metadata the built-in
// reader does not interpret (Philips TIFF, Leica SCN, Ventana BIF): read as a generic TIFF they get
// wrong downsamples and no MPP, so the native reader refuses them and `--reader auto` sends them to OpenSlide.
import type { TiffFile } from './types.js';

const VENDOR_MARKS: ReadonlyArray<{ vendor: string; test: (description: string) => boolean }> = [
  { vendor: 'Philips TIFF', test: (d) => d.includes('DPUfsImport') },
  { vendor: 'Leica SCN', test: (d) => d.includes('leica-microsystems.com/scn') },
  { vendor: 'Ventana BIF', test: (d) => d.includes('<iScan') },
];

/** The vendor format of a TIFF only OpenSlide reads faithfully, from its first ImageDescription, or null. */
export function detectVendorTiff(file: TiffFile): string | null {
  const description = file.directories[0]?.description ?? '';
  return VENDOR_MARKS.find((m) => m.test(description))?.vendor ?? null;
}
