/**
 * Stamps trace events with seq, virtual t and the acting thread, base fields first as the design's example shows.
 * Only runtime code calls it, once per operation (runtime.trace-per-operation).
 */

import type { TraceBody, TraceEvent } from '../../spec/trace/events.ts';

export class TraceRecorder {
  private readonly kept: TraceEvent[] = [];

  constructor(private readonly now: () => number) {}

  emit(thread: string, body: TraceBody): void {
    this.kept.push({ seq: this.kept.length, t: this.now(), thread, ...body } as TraceEvent);
  }

  events(): readonly TraceEvent[] {
    return this.kept;
  }
}

/** JSON Lines: what "byte-identical trace" compares. */
export function traceToJsonl(events: readonly TraceEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n');
}
