// The first page's one summary graphic: a histogram of the slides' max scores as inline SVG (markup,
// not a picture to fetch), so a cohort's spread shows at a glance. Pure: slides in, SVG out.
import { escapeHtml } from './escape.js';
import { fmtInt } from './html-parts.js';
import type { ReportSlide } from './types.js';

/** Bins of the max-score histogram over [0, 1]. */
export const HISTOGRAM_BINS = 20;

/** Slides per bin of width 1/bins; a score of exactly 1 falls in the last bin. */
export function scoreHistogram(slides: ReportSlide[], bins = HISTOGRAM_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const s of slides) {
    const v = s.scores?.max;
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]++;
  }
  return counts;
}

export function renderScoreHistogram(slides: ReportSlide[]): string {
  const counts = scoreHistogram(slides);
  const scored = counts.reduce((a, b) => a + b, 0);
  if (scored === 0) return '';
  const [w, h, barW] = [400, 80, 400 / counts.length];
  const top = Math.max(...counts);
  const bars = counts
    .map((n, i) => {
      const barH = n === 0 ? 0 : Math.max(1, Math.round((n / top) * (h - 4)));
      const label = `max ${(i / counts.length).toFixed(2)}–${((i + 1) / counts.length).toFixed(2)}: ${fmtInt(n)} slide(s)`;
      return `<rect x="${(i * barW + 1).toFixed(1)}" y="${h - barH}" width="${(barW - 2).toFixed(1)}" height="${barH}"><title>${escapeHtml(label)}</title></rect>`;
    })
    .join('');
  return `<figure class="histogram"><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="histogram of max scores">${bars}</svg>
<figcaption>max score of ${fmtInt(scored)} scored slide(s), 0 to 1 in steps of ${(1 / counts.length).toFixed(2)}</figcaption></figure>`;
}
