// MPP from an OME-TIFF's OME-XML ImageDescription: PhysicalSizeX/Y of the first <Pixels> element (the image
// in IFD 0), converted from PhysicalSizeXUnit/YUnit (default µm) to µm. Only these attributes are read.

const MICRONS_PER_UNIT: Readonly<Record<string, number>> = {
  µm: 1,
  μm: 1,
  um: 1,
  micron: 1,
  nm: 1e-3,
  mm: 1e3,
  cm: 1e4,
  m: 1e6,
};

/** True when `description` is OME-XML. */
export function isOmeDescription(description: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<OME[\s>]/.test(description);
}

function attribute(element: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(element);
  return match ? match[1] : null;
}

// Size in µm from a value and its unit attribute; null when absent, not a positive number or an unknown unit.
function microns(element: string, axis: 'X' | 'Y'): number | null {
  const value = Number(attribute(element, `PhysicalSize${axis}`) ?? Number.NaN);
  const unit = attribute(element, `PhysicalSize${axis}Unit`) ?? 'µm';
  const scale = MICRONS_PER_UNIT[unit.replace(/^Âµ/, 'µ')];
  return Number.isFinite(value) && value > 0 && scale !== undefined ? value * scale : null;
}

/** µm/px in x and y of the first image of an OME-XML description, or null when it is not OME or says none. */
export function omeMpp(description: string): { mppX: number; mppY: number } | null {
  if (!isOmeDescription(description)) return null;
  const pixels = /<(?:\w+:)?Pixels\b[^>]*>/.exec(description);
  if (pixels === null) return null;
  const mppX = microns(pixels[0], 'X');
  const mppY = microns(pixels[0], 'Y') ?? mppX;
  return mppX === null || mppY === null ? null : { mppX, mppY };
}
