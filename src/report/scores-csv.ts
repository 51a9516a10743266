// Parses merge's scores.csv (slide_id,name,status,patches,max,topK_mean,mean,fraction_ge_T,regions)
// into scores per slide id. Pure: RFC 4180 quoting (names may hold commas and quotes).
import type { ReportScores } from './types.js';

/** Splits CSV text into rows of fields; quoted fields may hold commas, quotes ("") and newlines. */
function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (isQuoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') isQuoted = false;
      else field += c;
    } else if (c === '"') isQuoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function parseScoresCsv(text: string): Map<string, ReportScores> {
  const [header, ...rows] = splitCsv(text);
  const out = new Map<string, ReportScores>();
  if (!header) return out;
  const col = (name: string | RegExp) => header.findIndex((h) => (typeof name === 'string' ? h === name : name.test(h)));
  const topCol = col(/^top(\d+)_mean$/);
  const topK = topCol >= 0 ? Number(/^top(\d+)_mean$/.exec(header[topCol])?.[1]) : null;
  const [id, status, patches, max, mean, regions] = ['slide_id', 'status', 'patches', 'max', 'mean', 'regions'].map((n) => col(n));
  for (const r of rows) {
    if (id < 0 || !r[id]) continue;
    out.set(r[id], {
      status: r[status] ?? '',
      patches: num(r[patches]),
      max: num(r[max]),
      topKMean: topCol >= 0 ? num(r[topCol]) : null,
      topK,
      mean: num(r[mean]),
      regions: num(r[regions]),
    });
  }
  return out;
}
