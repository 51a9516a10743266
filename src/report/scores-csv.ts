// Parses merge's scores.csv (slide_id,name,status,patches,max,topK_mean,mean,fraction_ge_T,regions)
// into scores per slide id; other columns (slide-list metadata) are ignored. Pure: parsing is util/csv.ts.
import { parseCsv } from '../util/csv.js';
import type { ReportScores } from './types.js';

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function parseScoresCsv(text: string): Map<string, ReportScores> {
  const [header, ...rows] = parseCsv(text);
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
