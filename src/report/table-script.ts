// The one script of report.html: renders the slide table from the inline JSON blob (#slide-data),
// sorts it by a clicked header (numbers numerically, missing values last), filters it by text and
// status, and puts at most PAGE_ROWS rows more in the DOM at a time (10,000 rows of DOM take seconds
// to lay out; the next rows come when "show more" is clicked or scrolled into view). Plain browser
// JavaScript kept as a string; the page's CSP allows it by its SHA-256 only.

/** Rows added to the table at a time. */
export const PAGE_ROWS = 500;

export const TABLE_SCRIPT = `(function () {
'use strict';
var data = JSON.parse(document.getElementById('slide-data').textContent);
var cols = data.cols, rows = data.rows;
var table = document.getElementById('slide-table');
var tbody = table.tBodies[0];
var count = document.getElementById('slide-count');
var more = document.getElementById('slide-more');
var PAGE = ${PAGE_ROWS}, matching = [], rendered = 0;
var search = document.getElementById('slide-search');
var status = document.getElementById('slide-status');
var NUMERIC = { int: true, score: true, percent: true, num: true };
var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
var ints = new Intl.NumberFormat('en-US');
var order = rows.map(function (_, i) { return i; });
var sortCol = -1, sortDir = 0;
function esc(v) { return String(v).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
function isMissing(v) { return v === null || v === undefined || v === ''; }
var hay = rows.map(function (r) {
  var s = r[1] + '\\n' + r[0];
  for (var c = data.metaFrom; c < cols.length; c++) s += '\\n' + (isMissing(r[c + 1]) ? '' : r[c + 1]);
  return s.toLowerCase();
});
function sortKey(r, c) {
  var v = r[c + 1];
  if (isMissing(v)) return null;
  if (!NUMERIC[cols[c].type]) return String(v);
  var n = typeof v === 'number' ? v : Number(v);
  return isFinite(n) ? n : null;
}
function cell(r, c) {
  var v = r[c + 1], t = cols[c].type, num = NUMERIC[t] ? ' class="num"' : '';
  if (t === 'name') return '<td class="name"><a href="' + esc(data.slides + encodeURIComponent(r[0]) + '.html') + '">' + esc(v) + '</a></td>';
  if (t === 'status') return '<td><span class="badge ' + (v === 'merged' ? 'ok' : v === 'failed' ? 'failed' : 'missing') + '">' + esc(v) + '</span></td>';
  if (isMissing(v)) return '<td' + num + '>\\u2013</td>';
  if (t === 'int') return '<td class="num">' + ints.format(v) + '</td>';
  if (t === 'score') return '<td class="num">' + v.toFixed(3) + '</td>';
  if (t === 'percent') return '<td class="num">' + (v * 100).toFixed(1) + ' %</td>';
  return '<td' + num + '>' + esc(v) + '</td>';
}
function rowHtml(i) {
  var r = rows[i], tds = '';
  for (var c = 0; c < cols.length; c++) tds += cell(r, c);
  return '<tr data-slide-id="' + esc(r[0]) + '"' + (r[2] === 'failed' ? ' class="failed">' : '>') + tds + '</tr>';
}
function showMore() {
  var end = Math.min(matching.length, rendered + PAGE), out = [];
  for (var k = rendered; k < end; k++) out.push(rowHtml(matching[k]));
  tbody.insertAdjacentHTML('beforeend', out.join(''));
  rendered = end;
  var left = matching.length - rendered;
  more.hidden = left === 0;
  more.textContent = 'Show ' + ints.format(Math.min(PAGE, left)) + ' more (' + ints.format(left) + ' not shown yet)';
}
function render() {
  var q = search.value.trim().toLowerCase(), st = status.value;
  matching = [];
  for (var k = 0; k < order.length; k++) {
    var i = order[k];
    if (st !== 'all' && rows[i][2] !== st) continue;
    if (q && hay[i].indexOf(q) < 0) continue;
    matching.push(i);
  }
  tbody.textContent = '';
  rendered = 0;
  showMore();
  count.textContent = ints.format(matching.length) + ' of ' + ints.format(rows.length) + ' slides';
}
function sortBy(c) {
  if (sortCol === c) sortDir = -sortDir;
  else { sortCol = c; sortDir = NUMERIC[cols[c].type] ? -1 : 1; }
  var keys = rows.map(function (r) { return sortKey(r, c); });
  order.sort(function (a, b) {
    var x = keys[a], y = keys[b];
    if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
    var d = typeof x === 'number' ? x - y : collator.compare(x, y);
    return d !== 0 ? d * sortDir : a - b;
  });
  var ths = table.tHead.rows[0].cells;
  for (var j = 0; j < ths.length; j++) ths[j].setAttribute('aria-sort', j === c ? (sortDir < 0 ? 'descending' : 'ascending') : 'none');
  render();
}
table.tHead.addEventListener('click', function (e) {
  var th = e.target.closest('th[data-col]');
  if (th) sortBy(Number(th.getAttribute('data-col')));
});
search.addEventListener('input', render);
more.addEventListener('click', showMore);
if ('IntersectionObserver' in window) new IntersectionObserver(function (e) { if (e[0].isIntersecting && !more.hidden) showMore(); }).observe(more);
status.addEventListener('change', render);
// The summary paints first; the rows come in the next task (#slides gets class "ready" then).
requestAnimationFrame(function () {
  setTimeout(function () {
    render();
    document.getElementById('slides').classList.add('ready');
    performance.mark('table-ready');
  }, 0);
});
})();
`;
