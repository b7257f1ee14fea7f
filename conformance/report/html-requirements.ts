/**
 * The requirement table of the HTML report: every requirement with its status and the modes that judged it,
 * failed ones linked to their failure, and for the rest the reason they were not judged.
 */

import type { ConformanceReport } from '../../spec/result/conformance-report.ts';
import { esc } from './html-escape.ts';

export function requirementsTable(report: ConformanceReport): string {
  const failureOf = (id: string) => report.failures.findIndex((f) => f.requirements.includes(id));
  const rows = report.requirements.map((r) => {
    const at = r.status === 'fail' || r.status === 'expected-fail' ? failureOf(r.id) : -1;
    const id = at >= 0 ? `<a href="#failure-${at + 1}">${esc(r.id)}</a>` : esc(r.id);
    const why = r.status === 'not-judged' ? (r.notJudged ?? '') : (r.reason ?? r.evidence?.message ?? '');
    return `<tr class="status-${esc(r.status)}"><td>${id}</td><td>${esc(r.area)}</td><td>${esc(r.level)}</td><td class="status">${esc(r.status)}</td><td>${esc(r.judgedBy.join(', '))}</td><td>${esc(why)}</td></tr>`;
  });
  return `<table class="requirements"><thead><tr><th>requirement</th><th>area</th><th>level</th><th>status</th><th>judged by</th><th>why</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
