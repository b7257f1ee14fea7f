/** `cnxnspec spec`: requirements by area and level, as a table for the terminal. */

import { AREAS, type Level, type Requirement } from '../../spec/requirement.ts';

const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

export function specSummary(requirements: readonly Requirement[], pending: ReadonlySet<string>): string {
  const rows = AREAS.map((area) => {
    const inArea = requirements.filter((r) => r.area === area);
    const counts = LEVELS.map((level) => inArea.filter((r) => r.level === level).length);
    const untested = inArea.filter((r) => pending.has(r.id)).length;
    return [area, ...counts.map(String), String(inArea.length), String(untested)];
  }).filter((row) => row[4] !== '0');
  const total = ['total', ...LEVELS.map((l) => String(requirements.filter((r) => r.level === l).length)), String(requirements.length), String(pending.size)];
  const header = ['area', ...LEVELS, 'all', 'not yet tested'];
  const table = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    `cnxnspec: ${requirements.length} requirements in ${rows.length} areas`,
    '',
    line(header),
    ...rows.map(line),
    line(total),
    '',
    'Full text: docs/spec.md. Tests: npm test.',
  ].join('\n');
}
