// The report's only stylesheet, inlined into every page (report.html and each slide's page): system fonts, no external resources.

export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5b6473; --line: #d9dde4; --bg: #f6f7f9; --ok: #1f7a3d; --bad: #b3261e; --bad-bg: #fdecea; --warn: #8a6d00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header.page { background: #222b3a; color: #fff; padding: 16px 24px; }
header.page h1 { margin: 0 0 4px; font-size: 20px; }
header.page p { margin: 0; color: #c9d1de; font-size: 13px; }
nav { display: flex; gap: 16px; padding: 8px 24px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
nav a { color: #2451a6; text-decoration: none; }
main { padding: 8px 24px 40px; max-width: 1400px; }
h2 { margin: 28px 0 10px; font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { margin: 18px 0 8px; font-size: 15px; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); margin: 6px 0 12px; width: 100%; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef0f4; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failed td { background: var(--bad-bg); }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.ok { background: #e3f4e8; color: var(--ok); }
.badge.failed { background: var(--bad); color: #fff; }
.badge.missing { background: #fff4d6; color: var(--warn); }
.badge.info { background: #e8eefb; color: #2451a6; }
.totals { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.totals div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.totals strong { display: block; font-size: 18px; }
.totals span { color: var(--muted); font-size: 12px; }
.totals div.bad { border-color: #f3b8b3; background: var(--bad-bg); }
.totals div.bad strong { color: var(--bad); }
.hash, .path { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #2451a6; }
table.params { width: auto; }
table.params td:first-child { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.cards { display: grid; gap: 14px; }
.slide-card { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 6px; padding: 10px 14px; }
.slide-card.failed { border-left-color: var(--bad); }
.slide-card.missing { border-left-color: #e0b400; }
.slide-card header { display: flex; align-items: center; gap: 10px; }
.slide-card h2 { margin: 0; font-size: 16px; border: 0; padding: 0; overflow-wrap: anywhere; }
.slide-card .path { margin: 2px 0 6px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0; }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 0; font-weight: 600; }
.error { background: var(--bad-bg); border: 1px solid #f3b8b3; color: var(--bad); padding: 6px 10px; border-radius: 4px; margin: 6px 0; overflow-wrap: anywhere; }
.error .hint, .note { color: var(--muted); }
.error-text { color: var(--bad); }
.figures { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; }
figure { margin: 0; }
figure img { display: block; width: 100%; height: auto; max-height: 360px; object-fit: contain; background: #eef0f4; border: 1px solid var(--line); }
figure img.plot { max-height: none; background: #fff; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
.placeholder { display: flex; align-items: center; justify-content: center; min-height: 120px; background: repeating-linear-gradient(45deg, #f1f2f5, #f1f2f5 8px, #e9ebef 8px, #e9ebef 16px); color: var(--muted); border: 1px dashed var(--line); }
table.units td:first-child, table.units td:nth-child(3) { white-space: nowrap; }
.legend { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: 12px; margin: 4px 0 10px; }
.legend .ramp { display: inline-block; width: 220px; height: 12px; border: 1px solid var(--line); }
.stage-summary { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 8px; }
.stage.has-failures h3 { color: var(--bad); }
a.log { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
span.log.missing { color: var(--muted); font-size: 12px; }
.study-plot { max-width: 900px; }
figure.histogram { margin: 6px 0 10px; }
figure.histogram svg { display: block; max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
figure.histogram rect { fill: #2451a6; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 18px; margin: 6px 0; }
.controls input, .controls select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 4px; }
.controls input { width: 260px; }
#slide-count { color: var(--muted); font-variant-numeric: tabular-nums; }
th button.sort { all: unset; cursor: pointer; }
th button.sort:focus-visible { outline: 2px solid #2451a6; }
th[aria-sort="ascending"] button.sort::after { content: " ▲"; }
th[aria-sort="descending"] button.sort::after { content: " ▼"; }
.slides-table td.name { min-width: 200px; }
/* Rows out of view skip layout and paint until scrolled to: the table of a big run lays out in a fraction. */
#slide-table tbody tr { content-visibility: auto; contain-intrinsic-size: auto 27px; }
button.more { font: inherit; color: #2451a6; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 4px 12px; cursor: pointer; }
ul.failures { list-style: none; padding-left: 10px; }
details.units > summary { margin: 2px 0; }
footer { color: var(--muted); font-size: 12px; padding: 0 24px 24px; }
@media (max-width: 900px) { .figures { grid-template-columns: 1fr; } }
`;
