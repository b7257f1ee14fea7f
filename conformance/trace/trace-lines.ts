/**
 * The lines of a trace file, read as a stream: memory holds one chunk and one partial line, never the file.
 * Each line comes with its 1-based number, and the last one says whether the file ended without a newline,
 * which is how a recorder killed mid-write leaves its trace (the checker then blames truncation, not syntax).
 * Lines come in batches, one per chunk read: a promise per line would cost more than parsing the line.
 * A byte-order mark before the first line is dropped: some Windows tools write one before UTF-8 text, and it is
 * not part of the first event.
 */

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface TraceLine {
  readonly number: number;
  readonly text: string;
  /** True only for a final line with no newline after it. */
  readonly unterminated: boolean;
}

const BOM = '\uFEFF';

export async function* traceLines(input: Readable): AsyncGenerator<TraceLine[]> {
  input.setEncoding('utf8');
  let pending = '';
  let number = 0;
  for await (const chunk of input as AsyncIterable<string>) {
    const batch: TraceLine[] = [];
    let from = 0;
    let at = chunk.indexOf('\n');
    while (at >= 0) {
      const piece = chunk.slice(from, at);
      const joined = pending === '' ? piece : pending + piece;
      const text = number === 0 && joined.startsWith(BOM) ? joined.slice(1) : joined;
      pending = '';
      batch.push({ number: ++number, text: text.endsWith('\r') ? text.slice(0, -1) : text, unterminated: false });
      from = at + 1;
      at = chunk.indexOf('\n', from);
    }
    pending += chunk.slice(from);
    if (batch.length > 0) yield batch;
  }
  if (pending !== '') {
    const text = number === 0 && pending.startsWith(BOM) ? pending.slice(1) : pending;
    yield [{ number: number + 1, text, unterminated: true }];
  }
}

/** Lines of the file at `path`, in 1 MiB reads. */
export function traceFileLines(path: string): AsyncGenerator<TraceLine[]> {
  return traceLines(createReadStream(path, { highWaterMark: 1 << 20 }));
}
