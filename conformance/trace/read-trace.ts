/**
 * Reads a trace stream into what the invariants need: the valid events in order, the line each came from, the
 * points the trace marks quiescent, the header, and every problem with its line number and field. A bad line
 * is reported and skipped; reading goes on. Problems are kept up to a bound and then only counted, so a
 * hopeless file cannot fill memory with messages. Repeated names (threads, channels, queues) are interned,
 * which keeps a long trace's memory close to what its distinct names and numbers need.
 */

import type { TraceEvent } from '../../spec/trace/events.ts';
import { explainEventError } from './explain-event-error.ts';
import { isTraceEvent } from './event-validator.ts';
import { TRACE_FORMAT_VERSIONS, VERSION_1_META, validateMeta, validateQuiescent, type TraceMeta } from './trace-format.ts';
import type { TraceLine } from './trace-lines.ts';

export interface LineProblem {
  readonly line: number;
  /** The field at fault, when one is. */
  readonly field?: string;
  readonly message: string;
}

export interface ReadTrace {
  readonly meta: TraceMeta;
  readonly events: TraceEvent[];
  /** `lines[i]` is the line number of `events[i]`. */
  readonly lines: number[];
  /** Event counts at each quiescent marker: liveness is judged over `events.slice(0, n)`. */
  readonly quiescentAt: number[];
  readonly problems: LineProblem[];
  /** Problems found, including those past the bound that were not kept. */
  problemCount: number;
  /** How many events of each kind, for saying why an invariant could not be judged. */
  readonly eventCounts: Map<string, number>;
  /** Non-empty lines read. */
  linesRead: number;
}

export interface ReadOptions {
  /** Problems kept with their message (default 20); the rest are counted. */
  readonly maxProblems?: number;
}

function interner(): (record: Record<string, unknown>) => void {
  const names = new Map<string, string>();
  const intern = (s: string) => {
    const known = names.get(s);
    if (known !== undefined) return known;
    names.set(s, s);
    return s;
  };
  return (record) => {
    for (const [field, v] of Object.entries(record)) {
      if (typeof v === 'string' && field !== 'msg' && field !== 'digest') record[field] = intern(v);
    }
  };
}

export async function readTrace(batches: AsyncIterable<readonly TraceLine[]>, options: ReadOptions = {}): Promise<ReadTrace> {
  const maxProblems = options.maxProblems ?? 20;
  const out: ReadTrace = {
    meta: VERSION_1_META,
    events: [],
    lines: [],
    quiescentAt: [],
    problems: [],
    problemCount: 0,
    eventCounts: new Map(),
    linesRead: 0,
  };
  let meta: TraceMeta | undefined;
  const intern = interner();
  const problem = (p: LineProblem) => {
    out.problemCount++;
    if (out.problems.length < maxProblems) out.problems.push(p);
  };
  for await (const batch of batches) for (const { number, text, unterminated, damage } of batch) {
    if (damage !== undefined) {
      problem({ line: number, message: damage });
      continue;
    }
    if (text.trim() === '') continue;
    out.linesRead++;
    const first = out.linesRead === 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      problem(
        unterminated
          ? { line: number, message: 'truncated: the file ends in the middle of this line (was the recorder stopped while writing?); the events before it were checked' }
          : { line: number, message: `not valid JSON (${(err as Error).message}); each line must be one JSON object` },
      );
      continue;
    }
    const ev = (value as { ev?: unknown } | null)?.ev;
    if (ev === 'meta') {
      if (!first) problem({ line: number, field: 'ev', message: 'a "meta" header is only allowed as the first line' });
      else if (!validateMeta(value)) problem({ line: number, field: validateMeta.errors?.[0]?.instancePath.slice(1) || '(header)', message: `bad header: ${validateMeta.errors?.[0]?.message ?? 'invalid'}; expected {"ev":"meta","schemaVersion":2,"complete"?:boolean,"timeSlackMs"?:integer,"source"?:string}` });
      else {
        const header = value as { schemaVersion: number; complete?: boolean; timeSlackMs?: number; source?: string };
        if (!(TRACE_FORMAT_VERSIONS as readonly number[]).includes(header.schemaVersion)) {
          problem({ line: number, field: 'schemaVersion', message: `is ${header.schemaVersion}; this checker reads versions ${TRACE_FORMAT_VERSIONS.join(', ')}: upgrade cnxnspec to check this trace` });
        }
        meta = { schemaVersion: header.schemaVersion, complete: header.complete ?? false, ...(header.timeSlackMs !== undefined ? { timeSlackMs: header.timeSlackMs } : {}), ...(header.source ? { source: header.source } : {}) };
      }
      continue;
    }
    if (ev === 'quiescent') {
      if (meta === undefined) problem({ line: number, field: 'ev', message: 'a quiescent marker needs a version-2 header first ({"ev":"meta","schemaVersion":2})' });
      else if (!validateQuiescent(value)) problem({ line: number, message: 'a quiescent marker is exactly {"ev":"quiescent"}' });
      else out.quiescentAt.push(out.events.length);
      continue;
    }
    if (!isTraceEvent(value)) {
      problem({ line: number, ...explainEventError(value) });
      continue;
    }
    const event = value as TraceEvent;
    const previous = out.events[out.events.length - 1];
    if (previous && event.seq <= previous.seq) {
      problem({ line: number, field: 'seq', message: `is ${event.seq}, expected more than ${previous.seq} (line ${out.lines[out.lines.length - 1]}): events must be in emission order; the event was skipped` });
      continue;
    }
    intern(value as Record<string, unknown>);
    out.events.push(event);
    out.lines.push(number);
    out.eventCounts.set(event.ev, (out.eventCounts.get(event.ev) ?? 0) + 1);
  }
  return meta === undefined ? out : { ...out, meta };
}
