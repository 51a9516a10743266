// The per-slide file names CLAM and TRIDENT expect: `<slide-stem>.h5`, the slide's file name without
// its last extension. Slides whose stems collide (or are not a plain file name) keep their slide id.
import { basename, extname } from 'node:path';
import type { PlanSlide } from './types.js';

function stemOf(path: string): string {
  return basename(path, extname(path));
}

function isPlainName(stem: string): boolean {
  return stem.length > 0 && stem.length <= 200 && !stem.startsWith('.') && !/[/\\\0]/.test(stem);
}

/** Slide id -> file stem for every slide of the plan; unique over the plan. */
export function slideFileStems(slides: readonly Pick<PlanSlide, 'id' | 'path'>[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const s of slides) counts.set(stemOf(s.path), (counts.get(stemOf(s.path)) ?? 0) + 1);
  const ids = new Set(slides.map((s) => s.id));
  const out = new Map<string, string>();
  for (const s of slides) {
    const stem = stemOf(s.path);
    // A stem equal to another slide's id would collide with that slide's fallback name.
    const isUnique = counts.get(stem) === 1 && (!ids.has(stem) || stem === s.id);
    out.set(s.id, isPlainName(stem) && isUnique ? stem : s.id);
  }
  return out;
}
