// Connected components on binary masks: drop small tissue regions (8-connected) and
// fill small holes (4-connected background not touching the border). Pure.
import type { BinaryMask } from './types.js';

/** Label components of pixels equal to `value`; returns labels (0 = none) and areas by label. */
export function labelComponents(
  m: BinaryMask,
  value: 0 | 1,
  connectivity: 4 | 8,
): { labels: Int32Array; areas: number[]; touchesBorder: boolean[] } {
  const { width: w, height: h, data } = m;
  const labels = new Int32Array(w * h);
  const areas = [0];
  const touchesBorder = [false];
  const queue = new Int32Array(w * h);
  let next = 1;
  for (let start = 0; start < w * h; start++) {
    if (data[start] !== value || labels[start] !== 0) continue;
    const label = next++;
    let head = 0;
    let tail = 0;
    let area = 0;
    let border = false;
    queue[tail++] = start;
    labels[start] = label;
    while (head < tail) {
      const p = queue[head++];
      area++;
      const x = p % w;
      const y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (connectivity === 4 && dx !== 0 && dy !== 0)) continue;
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (data[q] === value && labels[q] === 0) {
            labels[q] = label;
            queue[tail++] = q;
          }
        }
      }
    }
    areas.push(area);
    touchesBorder.push(border);
  }
  return { labels, areas, touchesBorder };
}

/** Remove foreground regions with fewer than `minArea` pixels; also says how many regions remain. */
export function removeSmallRegions(m: BinaryMask, minArea: number): BinaryMask & { regions: number } {
  const { labels, areas } = labelComponents(m, 1, 8);
  const data = new Uint8Array(m.data.length);
  for (let i = 0; i < data.length; i++) data[i] = labels[i] !== 0 && areas[labels[i]] >= minArea ? 1 : 0;
  return { width: m.width, height: m.height, data, regions: areas.filter((a, k) => k > 0 && a >= minArea).length };
}

/** Fill background regions enclosed by tissue with fewer than `maxArea` pixels. */
export function fillSmallHoles(m: BinaryMask, maxArea: number): BinaryMask {
  if (maxArea <= 0) return m;
  const { labels, areas, touchesBorder } = labelComponents(m, 0, 4);
  const data = m.data.slice();
  for (let i = 0; i < data.length; i++) {
    const l = labels[i];
    if (l !== 0 && !touchesBorder[l] && areas[l] < maxArea) data[i] = 1;
  }
  return { width: m.width, height: m.height, data };
}

export function countRegions(m: BinaryMask): number {
  return labelComponents(m, 1, 8).areas.length - 1;
}
