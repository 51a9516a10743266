// Parses an Aperio ImageDescription: a header line, then `|`-separated `key = value` pairs
// ("Aperio Image Library v11.2.1 \r\n46000x32914 [...] JPEG/RGB Q=30|AppMag = 20|MPP = 0.4990|...").

export interface AperioDescription {
  /** key = value pairs as written (keys trimmed), e.g. { AppMag: '20', MPP: '0.4990' }. */
  properties: Record<string, string>;
  mpp: number | null;
  appMag: number | null;
}

export function isAperioDescription(description: string): boolean {
  return description.startsWith('Aperio');
}

function parsePositive(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number.parseFloat(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}

export function parseAperioDescription(description: string): AperioDescription {
  const properties: Record<string, string> = {};
  for (const field of description.split('|').slice(1)) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).trim();
    if (key !== '') properties[key] = field.slice(eq + 1).trim();
  }
  return { properties, mpp: parsePositive(properties.MPP), appMag: parsePositive(properties.AppMag) };
}
