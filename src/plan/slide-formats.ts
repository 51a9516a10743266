// Which file names are slides, and which backend can read them: the built-in TIFF reader reads
// Aperio SVS and generic pyramidal TIFF; OpenSlide reads those and the vendor formats below.
import { extname } from 'node:path';

/** Read by the built-in TIFF reader (and by OpenSlide). */
export const NATIVE_EXTENSIONS = Object.freeze(['.svs', '.tif', '.tiff', '.btf', '.tf8', '.tf2']);

/** Vendor formats only OpenSlide reads, with the name people know them by. */
export const OPENSLIDE_FORMATS: Readonly<Record<string, string>> = Object.freeze({
  '.ndpi': 'Hamamatsu NDPI',
  '.vms': 'Hamamatsu VMS',
  '.vmu': 'Hamamatsu VMU',
  '.scn': 'Leica SCN',
  '.mrxs': '3DHistech MIRAX (MRXS)',
  '.bif': 'Ventana BIF',
  '.svslide': 'Sakura SVSlide',
});

export const OPENSLIDE_EXTENSIONS = Object.freeze(Object.keys(OPENSLIDE_FORMATS));

/** Every extension discovery takes as a slide (DICOM aside: it depends on the OpenSlide found). */
export const SLIDE_EXTENSIONS = Object.freeze([...NATIVE_EXTENSIONS, ...OPENSLIDE_EXTENSIONS]);

export const DICOM_EXTENSION = '.dcm';

/** Whole-slide formats neither backend reads, for a useful skip reason. */
export const UNREADABLE_WSI_FORMATS: Readonly<Record<string, string>> = Object.freeze({
  '.czi': 'Zeiss CZI',
  '.isyntax': 'Philips iSyntax',
  '.vsi': 'Olympus VSI',
  '.lif': 'Leica LIF',
  '.kfb': 'KFBio KFB',
  '.sdpc': 'SQRAY SDPC',
});

export function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}

export function isNativeSlideName(path: string): boolean {
  return NATIVE_EXTENSIONS.includes(extensionOf(path));
}

/** The vendor format name of a file only OpenSlide reads, else null. */
export function openSlideOnlyFormat(path: string): string | null {
  return OPENSLIDE_FORMATS[extensionOf(path)] ?? null;
}

/** Whether an OpenSlide library version string (e.g. "4.0.0", "3.4.1") reads DICOM (OpenSlide >= 4.0). */
export function readsDicom(openSlideVersion: string | null): boolean {
  const major = Number.parseInt(openSlideVersion ?? '', 10);
  return Number.isFinite(major) && major >= 4;
}
