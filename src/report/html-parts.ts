// Small pure building blocks of the report page: escaped cells, numbers, badges, images and
// tables. Every value passes through escapeHtml here, so the section renderers never build raw text.
import { escapeHtml } from './escape.js';

/** Trusted markup: produced by these helpers, never by concatenating input. */
export interface Html {
  readonly html: string;
}

export function raw(html: string): Html {
  return { html };
}

/** Escaped text, or markup already built by a helper. */
export function h(value: unknown): string {
  return value !== null && typeof value === 'object' && 'html' in value ? String((value as Html).html) : escapeHtml(value);
}

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US');
}

export function fmtNum(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);
}

export function fmtPercent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? '–' : `${(fraction * 100).toFixed(1)} %`;
}

/** A study cell: numbers rounded for reading, null (NaN in the source) as a dash. */
export function fmtCell(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? fmtInt(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export type BadgeKind = 'ok' | 'failed' | 'missing' | 'info';

export function badge(text: string, kind: BadgeKind): Html {
  return raw(`<span class="badge ${kind}">${escapeHtml(text)}</span>`);
}

/** A figure with caption showing the picture at `src` (a relative URL), or a placeholder box saying why it is absent. */
export function figure(src: string | null, caption: string, alt: string, absent: string): Html {
  const body = src
    ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}" decoding="async">`
    : `<div class="placeholder">${escapeHtml(absent)}</div>`;
  return raw(`<figure>${body}<figcaption>${escapeHtml(caption)}</figcaption></figure>`);
}

export interface TableOptions {
  className?: string;
  /** Class per body row (e.g. `failed`), parallel to `rows`. */
  rowClasses?: Array<string | null>;
  /** Columns right-aligned as numbers. */
  numeric?: number[];
}

export function table(headers: string[], rows: unknown[][], o: TableOptions = {}): Html {
  const num = new Set(o.numeric ?? []);
  const cell = (tag: 'td' | 'th', v: unknown, i: number) => `<${tag}${num.has(i) ? ' class="num"' : ''}>${h(v)}</${tag}>`;
  const head = `<thead><tr>${headers.map((x, i) => cell('th', x, i)).join('')}</tr></thead>`;
  const body = rows.map((r, k) => {
    const cls = o.rowClasses?.[k];
    return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`;
  });
  return raw(`<table${o.className ? ` class="${escapeHtml(o.className)}"` : ''}>${head}<tbody>${body.join('')}</tbody></table>`);
}
