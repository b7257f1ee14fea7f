/**
 * The Markdown summary: verdict with judged/total, requirements by area x status, every failure with its replay
 * or rerun line, and every requirement that was not judged with the reason.
 */

import { REQUIREMENT_STATUSES, type ConformanceReport } from '../../spec/result/conformance-report.ts';

export function markdownSummary(report: ConformanceReport): string {
  const areas = [...new Set(report.requirements.map((r) => r.area))];
  const lines = [
    `# cnxnspec conformance: ${report.factory.name}`,
    '',
    `**${report.ok ? 'PASS' : 'FAIL'}**: ${report.judged.judged} of the spec's ${report.judged.total} requirements were judged (profile ${report.profile}); ` +
      `${report.must.passed}/${report.must.judged} judged MUST requirements hold. ` +
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
  if (report.failures.length > 0 || report.checkFailures.length > 0) {
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
    for (const f of report.checkFailures) {
      lines.push(`### ${f.requirements.map((id) => `\`${id}\``).join(', ')}`, '', `${f.message} (found by the ${f.mode} check "${f.check}")`, '');
      if (f.evidence.length > 0) lines.push('```', ...f.evidence, '```', '');
      lines.push('```', f.rerun, '```', '');
    }
  }
  const special = report.requirements.filter((r) => r.status === 'expected-fail' || r.status === 'unexpected-pass');
  if (special.length > 0) {
    lines.push('## Expectations', '');
    for (const r of special) lines.push(`- \`${r.id}\`: ${r.status} (${r.reason ?? ''})`);
    lines.push('');
  }
  const judged = report.requirements.filter((r) => r.status !== 'not-judged');
  if (judged.length > 0) {
    lines.push('## Judged, and how', '', '| requirement | status | judged by |', '|---|---|---|');
    for (const r of judged) lines.push(`| \`${r.id}\` | ${r.status} | ${r.judgedBy.join(', ')} |`);
    lines.push('');
  }
  const notJudged = report.requirements.filter((r) => r.status === 'not-judged');
  if (notJudged.length > 0) {
    lines.push('## Not judged, and why', '', '| requirement | why |', '|---|---|');
    for (const r of notJudged) lines.push(`| \`${r.id}\` | ${r.notJudged ?? ''} |`);
    lines.push('');
  }
  return lines.join('\n');
}
