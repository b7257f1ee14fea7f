/**
 * cnxnspec-report.html: the result for people, one self-contained page (inline CSS and SVG, no script, nothing
 * fetched): the verdict, the requirement table, and each failure with its evidence and its interleaving drawn
 * as swimlanes. `traces[i]` is the shrunk trace of `report.failures[i]`, when the run kept it.
 */

import type { ConformanceReport } from '../../spec/result/conformance-report.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { esc } from './html-escape.ts';
import { failureSection } from './html-failure.ts';
import { requirementsTable } from './html-requirements.ts';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1f24; }
h1 .verdict-pass { color: #1a7f37; } h1 .verdict-fail { color: #cf222e; }
table.requirements { border-collapse: collapse; margin: 1em 0; }
table.requirements td, table.requirements th { border: 1px solid #d0d7de; padding: 2px 8px; text-align: left; }
tr.status-fail td.status, tr.status-unexpected-pass td.status { color: #cf222e; font-weight: bold; }
tr.status-pass td.status { color: #1a7f37; } tr.status-expected-fail td.status { color: #9a6700; }
tr.status-not-judged { color: #6e7781; }
section.failure { border-top: 2px solid #cf222e; margin-top: 2em; }
pre { background: #f6f8fa; padding: 6px; overflow-x: auto; }
svg.swimlanes { font: 11px ui-monospace, monospace; }
svg .lane rect { fill: #f6f8fa; stroke: #d0d7de; } svg .lane.peer rect { fill: #eef6ff; }
svg .lane-name { font-weight: bold; }
svg .event rect { fill: #ffffff; stroke: #8c959f; } svg .event text { fill: #1b1f24; }
svg .event.evidence rect { fill: #ffebe9; stroke: #cf222e; stroke-width: 2; } svg .event.evidence text { fill: #a40e26; font-weight: bold; }
svg .link { stroke-width: 1.5; fill: none; } svg .link.handoff { stroke: #0969da; } svg .link.wakeup { stroke: #bc4c00; stroke-dasharray: 4 2; }
svg .time { fill: #6e7781; }
figcaption { color: #57606a; margin-top: 4px; }
`;

export function htmlReport(report: ConformanceReport, traces: readonly (readonly TraceEvent[] | undefined)[] = []): string {
  const verdict = report.ok ? '<span class="verdict-pass">PASS</span>' : '<span class="verdict-fail">FAIL</span>';
  const c = report.counts;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cnxnspec: ${esc(report.factory.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>cnxnspec ${verdict} ${esc(report.factory.name)}</h1>
<p><strong>${report.judged.judged} of ${report.judged.total} requirements judged</strong> (profile ${esc(report.profile)}): ${c.pass} passed, ${c.fail} failed,
${c['expected-fail']} expected failures, ${c['unexpected-pass']} unexpected passes; ${c['not-judged']} not judged, each with the reason below.
Judged MUST requirements holding: ${report.must.passed}/${report.must.judged}. ${report.runs} runs in ${(report.durationMs / 1000).toFixed(1)} s, seed ${report.seed}, ${esc(report.strategy)}.</p>
<h2>Requirements</h2>
${requirementsTable(report)}
${report.failures.map((f, i) => failureSection(f, i, traces[i])).join('\n')}
${report.checkFailures.map(checkFailureSection).join('\n')}
</body></html>
`;
}

/** A failure of a harness or wire check: no interleaving to draw, what the check saw and the command to rerun it. */
function checkFailureSection(f: ConformanceReport['checkFailures'][number]): string {
  const seen = f.evidence.length ? `<pre>${esc(f.evidence.join('\n'))}</pre>` : '';
  return `<section class="failure"><h2>${f.requirements.map(esc).join(', ')}</h2><p>${esc(f.message)} (found by the ${esc(f.mode)} check "${esc(f.check)}")</p>${seen}<pre>${esc(f.rerun)}</pre></section>`;
}
