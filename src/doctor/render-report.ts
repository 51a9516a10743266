// The doctor report as text for a terminal: one table row per check, then what each check that is not
// ok means and how to fix it, then a one-line tally. Pure: the command prints it.
import { formatTable } from '../cli/table.js';
import type { CheckStatus, DoctorReport } from './types.js';

const indent = (text: string, pad: string) => text.split('\n').join(`\n${pad}`);

export function renderDoctorReport(report: DoctorReport): string {
  const table = formatTable(
    ['check', 'status', 'finding'],
    report.checks.map((c) => [c.id, c.status, c.finding]),
  );
  const notes = report.checks
    .filter((c) => c.status !== 'ok' && (c.detail || c.fix))
    .map((c) => {
      const lines = [`${c.id} (${c.status}): ${c.finding}`];
      if (c.detail) lines.push(`  means: ${indent(c.detail, '         ')}`);
      if (c.fix) lines.push(`  fix:   ${indent(c.fix, '         ')}`);
      return lines.join('\n');
    });
  const counts = (['ok', 'warn', 'fail', 'absent'] as CheckStatus[]).map(
    (s) => `${report.checks.filter((c) => c.status === s).length} ${s}`,
  );
  const verdict = report.ok ? 'nothing fails' : 'some checks fail: see above';
  return `${table}${notes.length ? `\n${notes.join('\n\n')}\n` : ''}\n${counts.join(', ')}: ${verdict}\n`;
}
