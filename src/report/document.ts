// The HTML document around every report page (report.html and each per-slide page): inline style,
// and a Content-Security-Policy that forbids any network fetch. Pure: strings in, a page out.
import { createHash } from 'node:crypto';
import { escapeHtml } from './escape.js';
import { REPORT_CSS } from './styles.js';

/** Where report.html, the per-slide pages and the run folder sit relative to each other (URL paths). */
export interface ReportLayout {
  /** From report.html to the folder of per-slide pages, e.g. `report/slides`. */
  slidesHref: string;
  /** From a per-slide page back to report.html, e.g. `../../report.html`. */
  reportHref: string;
  /** From a per-slide page to the run folder (its pictures), e.g. `../..`. */
  runHref: string;
}

/** The layout of `wsi-hpc report RUN`: RUN/report.html and RUN/report/slides/<id>.html. */
export const DEFAULT_LAYOUT: ReportLayout = { slidesHref: 'report/slides', reportHref: '../../report.html', runHref: '../..' };

/** A script-src source allowing exactly this inline script (its SHA-256), so no other script can run. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

export interface DocumentParts {
  title: string;
  generator: string;
  /** Body markup, already escaped. */
  body: string;
  /** One inline script placed at the end of the body, allowed by its hash; none by default. */
  script?: string;
  /** Allow images from the page's own folder tree (file: URLs of the run folder) besides data: URIs. */
  allowLocalImages?: boolean;
}

/**
 * Nothing may load from the network: default-src 'none'; images are data: URIs or, on per-slide
 * pages, files of the run folder ('self'); the style is inline; the only script is the one hashed here.
 */
export function contentSecurityPolicy(parts: Pick<DocumentParts, 'script' | 'allowLocalImages'>): string {
  const csp = ["default-src 'none'", `img-src ${parts.allowLocalImages ? "'self' data:" : 'data:'}`, "style-src 'unsafe-inline'"];
  if (parts.script !== undefined) csp.push(`script-src ${scriptHash(parts.script)}`);
  return csp.join('; ');
}

export function renderDocument(parts: DocumentParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(parts)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(parts.generator)}">
<title>${escapeHtml(parts.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${parts.body}
${parts.script === undefined ? '' : `<script>${parts.script}</script>\n`}</body>
</html>
`;
}
