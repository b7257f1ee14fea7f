/** The Markdown summary: verdict, requirements by area x status, and each failure with its replay line. */

import { REQUIREMENT_STATUSES, type ConformanceReport } from '../../spec/result/conformance-report.ts';

export function markdownSummary(report: ConformanceReport): string {
  const areas = [...new Set(report.requirements.map((r) => r.area))];
  const lines = [
    `# cnxnspec conformance: ${report.factory.name}`,
    '',
    `**${report.ok ? 'PASS' : 'FAIL'}**: ${report.must.passed}/${report.must.checked} MUST requirements that the suite checks hold; ` +
      `${report.runs} runs in ${(report.durationMs / 1000).toFixed(1)} s (seed ${report.seed}, ${report.strategy}, budget ${report.budget.runs} runs / ${report.budget.timeBudgetSeconds} s).`,
    '',
    `cnxnspec ${report.versions.cnxnspec}, Node ${report.versions.node}, fast-check ${report.versions.fastCheck}; started ${report.startedAt}.`,
    '',
    '## Requirements by area',
    '',
    `| area | ${REQUIREMENT_STATUSES.join(' | ')} |`,
    `|---|${REQUIREMENT_STATUSES.map(() => '---:').join('|')}|`,
  ];
  for (const area of areas) {
    const inArea = report.requirements.filter((r) => r.area === area);
    lines.push(`| ${area} | ${REQUIREMENT_STATUSES.map((s) => inArea.filter((r) => r.status === s).length).join(' | ')} |`);
  }
  lines.push(`| **all** | ${REQUIREMENT_STATUSES.map((s) => report.counts[s]).join(' | ')} |`, '');
  lines.push('Not applicable: judged by the project\'s own tests or by probing a running server, not by interleavings.', '');
  if (report.failures.length > 0) {
    lines.push('## Failures', '');
    for (const f of report.failures) {
      lines.push(
        `### ${f.requirements.map((id) => `\`${id}\``).join(', ')}`,
        '',
        `${f.evidence.message} (found by ${f.evidence.source}; events ${f.evidence.events.join(', ') || 'none'}; ` +
          `shrunk to ${f.events} events in ${f.shrinks} attempts after ${f.runsToFailure} runs)`,
        '',
        '```',
        f.replay,
        '```',
        '',
      );
    }
  }
  const special = report.requirements.filter((r) => r.status === 'expected-fail' || r.status === 'unexpected-pass');
  if (special.length > 0) {
    lines.push('## Expectations', '');
    for (const r of special) lines.push(`- \`${r.id}\`: ${r.status} (${r.reason ?? ''})`);
    lines.push('');
  }
  return lines.join('\n');
}
