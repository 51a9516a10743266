// The accuracy-vs-cost frontier as SVG (and PNG through sharp's librsvg): one point per
// configuration at (cohort core-hours, log scale; accuracy), the Pareto frontier joined. Pure SVG.

export interface PlotPoint {
  label: string;
  cost: number;
  accuracy: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Points no other point beats on both cost (lower) and accuracy (higher), by increasing cost. */
export function paretoFrontier(points: PlotPoint[]): PlotPoint[] {
  const ok = points.filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.accuracy) && p.cost > 0);
  return ok
    .filter((p) => !ok.some((q) => q !== p && q.cost <= p.cost && q.accuracy >= p.accuracy && (q.cost < p.cost || q.accuracy > p.accuracy)))
    .sort((a, b) => a.cost - b.cost);
}

export function renderFrontierSvg(points: PlotPoint[], title: string, yLabel: string, xLabel = 'cohort core-hours (log scale)'): string {
  const W = 720;
  const H = 480;
  const m = { l: 70, r: 30, t: 50, b: 60 };
  const ok = points.filter((p) => Number.isFinite(p.cost) && p.cost > 0 && Number.isFinite(p.accuracy));
  const lx = ok.map((p) => Math.log10(p.cost));
  const xmin = Math.floor(Math.min(...lx, 0));
  // Headroom so a point on a decade is not drawn on the frame.
  const xmax = Math.ceil(Math.max(...lx, xmin + 0.9) + 0.1);
  const ys = ok.map((p) => p.accuracy);
  const ymin = Math.min(0.5, ...ys);
  const ymax = 1;
  const X = (c: number) => m.l + ((Math.log10(c) - xmin) / (xmax - xmin)) * (W - m.l - m.r);
  const Y = (a: number) => H - m.b - ((a - ymin) / (ymax - ymin || 1)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 15}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (let e = xmin; e <= xmax; e++) {
    parts.push(
      `<line x1="${X(10 ** e)}" y1="${H - m.b}" x2="${X(10 ** e)}" y2="${H - m.b + 5}" stroke="black"/><text x="${X(10 ** e)}" y="${H - m.b + 18}" text-anchor="middle">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}</text>`,
    );
  }
  for (let k = 0; k <= 5; k++) {
    const a = ymin + ((ymax - ymin) * k) / 5;
    parts.push(
      `<line x1="${m.l - 5}" y1="${Y(a)}" x2="${m.l}" y2="${Y(a)}" stroke="black"/><text x="${m.l - 8}" y="${Y(a) + 4}" text-anchor="end">${a.toFixed(2)}</text>`,
    );
  }
  const front = paretoFrontier(ok);
  if (front.length > 1)
    parts.push(
      `<polyline fill="none" stroke="#2a7" stroke-width="2" points="${front.map((p) => `${X(p.cost).toFixed(1)},${Y(p.accuracy).toFixed(1)}`).join(' ')}"/>`,
    );
  for (const p of ok) {
    const onFront = front.includes(p);
    parts.push(`<circle cx="${X(p.cost).toFixed(1)}" cy="${Y(p.accuracy).toFixed(1)}" r="5" fill="${onFront ? '#2a7' : '#888'}"/>`);
    const nearRight = X(p.cost) > W - m.r - 120;
    parts.push(
      `<text x="${(X(p.cost) + (nearRight ? -8 : 8)).toFixed(1)}" y="${(Y(p.accuracy) - 8).toFixed(1)}"${nearRight ? ' text-anchor="end"' : ''}>${esc(p.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
