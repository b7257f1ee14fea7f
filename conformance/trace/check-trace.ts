/**
 * `cnxnspec check` as a library: read a trace file as a stream, judge it, and say the outcome as requirement
 * verdicts (for the report) and as lines of text (for a person). Exit status: 0 every judged requirement holds,
 * 1 one is violated, 2 the trace has input problems (the verdict then covers only its valid lines).
 */

import type { ReportedEvidence } from '../../spec/result/conformance-report.ts';
import { judgeTrace, type JudgeOptions, type LocatedViolation, type TraceJudgement } from './judge-trace.ts';
import { readTrace, type ReadOptions, type ReadTrace } from './read-trace.ts';
import { traceSourceLines } from './trace-lines.ts';
import type { JudgedRequirement } from './verdict-report.ts';

export interface CheckedTrace {
  readonly path: string;
  /** The end was judged as quiescent (the header says complete, or --complete). */
  readonly complete: boolean;
  readonly trace: ReadTrace;
  readonly judgement: TraceJudgement;
  readonly durationMs: number;
}

export async function checkTraceFile(path: string, options: JudgeOptions & ReadOptions = {}): Promise<CheckedTrace> {
  const started = performance.now();
  const trace = await readTrace(traceSourceLines(path), options);
  const judgement = judgeTrace(trace, options);
  return { path, complete: options.complete ?? trace.meta.complete, trace, judgement, durationMs: performance.now() - started };
}

export function exitCodeOf(checked: CheckedTrace): 0 | 1 | 2 {
  if (checked.trace.problemCount > 0) return 2;
  return checked.judgement.ok ? 0 : 1;
}

function where(v: LocatedViolation): string {
  const pairs = v.evidence.map((seq, i) => `${v.lines[i]} (seq ${seq})`).join(', ');
  return `line${v.lines.length === 1 ? '' : 's'} ${pairs}${v.judgedAt ? `, judged at ${v.judgedAt}` : ''}`;
}

export function evidenceOf(v: LocatedViolation): ReportedEvidence {
  return { source: v.invariant, message: `${v.message} (${where(v)})`, events: [...v.evidence] };
}

export function judgedRequirements(checked: CheckedTrace): JudgedRequirement[] {
  return checked.judgement.requirements.map((r) => ({
    id: r.id,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.violations[0] ? { evidence: evidenceOf(r.violations[0]) } : {}),
  }));
}

/** The text a person reads: input problems, then each violation once with its line numbers, then a verdict. */
export function renderCheck(checked: CheckedTrace, verbose = false): string {
  const { trace, judgement } = checked;
  const out: string[] = [];
  const kind = trace.meta.schemaVersion === 1 ? 'version 1 (no header)' : `version ${trace.meta.schemaVersion}`;
  const points = trace.quiescentAt.length > 0 ? `${trace.quiescentAt.length} quiescent points` : 'no quiescent point marked';
  const liveness = checked.complete ? `${points}, complete` : points;
  out.push(`${checked.path}: ${kind} trace, ${trace.events.length} events on ${trace.linesRead} lines, ${liveness}${trace.meta.source ? `, from ${trace.meta.source}` : ''}`);
  for (const p of trace.problems) out.push(`  line ${p.line}${p.field ? `, field ${p.field}` : ''}: ${p.message}`);
  if (trace.problemCount > trace.problems.length) out.push(`  ... and ${trace.problemCount - trace.problems.length} more problems (raise --max-errors to see them)`);
  for (const v of judgement.invariants) {
    for (const x of v.violations) out.push(`FAIL [${x.requirements.join(', ')}] ${x.message} (${where(x)}; invariant ${x.invariant})`);
  }
  const notJudged = judgement.invariants.filter((v) => !v.judged);
  for (const v of notJudged) out.push(`not judged: invariant ${v.invariant.name}: ${v.reason}`);
  if (verbose) {
    for (const r of judgement.requirements.filter((x) => x.status === 'not-judged')) out.push(`  not judged [${r.id}]: ${r.reason}`);
  }
  const count = (s: string) => judgement.requirements.filter((r) => r.status === s).length;
  const verdict = trace.problemCount > 0 ? 'INPUT ERRORS' : judgement.ok ? 'PASS' : 'FAIL';
  out.push(
    `${verdict}: ${count('pass')} requirements hold, ${count('fail')} violated, ${count('not-judged')} not judged from this trace; ` +
      `${judgement.invariants.length - notJudged.length}/${judgement.invariants.length} invariants judged; ` +
      `${trace.problemCount} input problems; ${(checked.durationMs / 1000).toFixed(2)} s`,
  );
  return out.join('\n');
}
