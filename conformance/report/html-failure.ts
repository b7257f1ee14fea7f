/** One failure in the HTML report: what broke, the evidence, the replay line, the scenario, and the swimlanes. */

import type { ReportedFailure } from '../../spec/result/conformance-report.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';
import { describeEvent } from '../harness/interleaving-table.ts';
import { esc } from './html-escape.ts';
import { swimlanesSvg } from './html-swimlanes.ts';

export function failureSection(failure: ReportedFailure, index: number, trace: readonly TraceEvent[] | undefined): string {
  const bySeq = new Map((trace ?? []).map((e) => [e.seq, e]));
  const evidence = failure.evidence.events.map((seq) => {
    const e = bySeq.get(seq);
    return `<li class="evidence-event">#${seq}${e ? ` t=${e.t} ${esc(e.thread)}: ${esc(describeEvent(e))}` : ''}</li>`;
  });
  return [
    `<section class="failure" id="failure-${index + 1}">`,
    `<h2>Failure ${index + 1}: ${failure.requirements.map(esc).join(', ')}</h2>`,
    `<p class="message"><strong>${esc(failure.evidence.source)}</strong>: ${esc(failure.evidence.message)}</p>`,
    `<p>Found after ${failure.runsToFailure} run(s); shortest failing run: ${failure.events} events (${failure.shrinks} shrinking runs).</p>`,
    evidence.length ? `<h3>Evidence</h3><ul class="evidence">${evidence.join('')}</ul>` : '',
    `<h3>Replay</h3><pre class="replay">${esc(failure.replay)}</pre>`,
    `<details><summary>Scenario</summary><pre>${esc(JSON.stringify(failure.scenario, null, 2))}</pre></details>`,
    '<h3>Interleaving</h3>',
    trace ? swimlanesSvg(trace, failure.evidence.events) : '<p class="empty">(the trace of this failure was not kept)</p>',
    '</section>',
  ].join('\n');
}
