/**
 * Stamps and stores trace events (spec/trace): seq, t and thread on every body the runtime hands in
 * (runtime.trace-per-operation: the runtime, not the factory, emits them).
 *
 * Off by default. Every emitting call site in this runtime is guarded by one boolean check (`rt.tracing`), so a
 * runtime without tracing never builds an event object at all. When on, events go to memory (`trace: true`),
 * to a JSONL stream or file, or both.
 */

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { TraceBody, TraceEvent } from '../../../spec/trace/events.ts';

export interface TraceOptions {
  /** Keep events in memory, readable through `traceEvents()`. */
  readonly trace?: boolean;
  /** Append one JSON object per line to this file (created or truncated). */
  readonly traceFile?: string;
  /** Write JSONL to this stream instead; it is not ended by `close()` unless the runtime opened it. */
  readonly traceStream?: Writable;
}

export class Tracer {
  /** The one check every call site makes before building an event. */
  readonly on: boolean;
  private seq = 0;
  private readonly kept: TraceEvent[] | undefined;
  private readonly stream: Writable | undefined;
  private readonly ownsStream: boolean;
  /** After close(), events are still kept in memory but no longer written out. */
  private streamClosed = false;

  constructor(
    private readonly now: () => number,
    options: TraceOptions,
  ) {
    this.kept = options.trace ? [] : undefined;
    this.ownsStream = options.traceStream === undefined && options.traceFile !== undefined;
    this.stream = options.traceStream ?? (options.traceFile !== undefined ? createWriteStream(options.traceFile) : undefined);
    this.on = this.kept !== undefined || this.stream !== undefined;
  }

  emit(thread: string, body: TraceBody): void {
    // Base fields first, so a JSONL line reads `{"seq":..,"t":..,"thread":..,"ev":..}` like the design's example.
    const event = { seq: this.seq++, t: this.now(), thread, ...body } as TraceEvent;
    this.kept?.push(event);
    if (this.stream && !this.streamClosed) this.stream.write(`${JSON.stringify(event)}\n`);
  }

  events(): readonly TraceEvent[] {
    return this.kept ?? [];
  }

  /** Flushes the JSONL output; ends the file stream if this tracer opened it. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream || this.streamClosed) return;
    this.streamClosed = true;
    if (this.ownsStream) {
      await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      return;
    }
    // A borrowed stream stays open; wait only until what we wrote has been handed on.
    if (stream.writableNeedDrain) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}
