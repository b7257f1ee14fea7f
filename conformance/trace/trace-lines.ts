/**
 * The lines of a trace file, read as a stream: memory holds one chunk and one partial line, never the file.
 * Each line comes with its 1-based number, and the last one says whether the file ended without a newline,
 * which is how a recorder killed mid-write leaves its trace (the checker then blames truncation, not syntax).
 * Lines come in batches, one per chunk read: a promise per line would cost more than parsing the line.
 * A byte-order mark before the first line is dropped: some Windows tools write one before UTF-8 text, and it is
 * not part of the first event.
 */

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

export interface TraceLine {
  readonly number: number;
  readonly text: string;
  /** True only for a final line with no newline after it. */
  readonly unterminated: boolean;
  /** Set on an empty last entry when the source itself broke off (a damaged archive): why it could not go on. */
  readonly damage?: string;
}

const BOM = '\uFEFF';

export async function* traceLines(input: AsyncIterable<string | Buffer>): AsyncGenerator<TraceLine[]> {
  // Bytes are decoded here, not by the stream, so that a character split between two reads stays whole.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 0;
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? piece : decoder.write(piece);
    const batch: TraceLine[] = [];
    let from = 0;
    let at = chunk.indexOf('\n');
    while (at >= 0) {
      const part = chunk.slice(from, at);
      const joined = pending === '' ? part : pending + part;
      const text = number === 0 && joined.startsWith(BOM) ? joined.slice(1) : joined;
      pending = '';
      batch.push({ number: ++number, text: text.endsWith('\r') ? text.slice(0, -1) : text, unterminated: false });
      from = at + 1;
      at = chunk.indexOf('\n', from);
    }
    pending += chunk.slice(from);
    if (batch.length > 0) yield batch;
  }
  pending += decoder.end();
  if (pending !== '') {
    const text = number === 0 && pending.startsWith(BOM) ? pending.slice(1) : pending;
    yield [{ number: number + 1, text, unterminated: true }];
  }
}

/**
 * The bytes of a trace, gunzipped when they start with gzip's magic number: long recordings are usually kept
 * compressed, and `zcat t.jsonl.gz | cnxnspec check -` should not be needed. A damaged archive ends the bytes where
 * the damage is and says why through `damaged`, so the events before it are still judged, as for a plain file
 * that was cut off.
 */
async function* decompressed(input: AsyncIterable<Buffer>, source: string, damaged: (why: string) => void): AsyncGenerator<Buffer> {
  const reader = input[Symbol.asyncIterator]();
  const first = await reader.next();
  if (first.done === true) return;
  const head = first.value;
  const all = async function* () {
    yield head;
    for (let next = await reader.next(); next.done !== true; next = await reader.next()) yield next.value;
  };
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield* all();
    return;
  }
  const compressed = Readable.from(all());
  const gunzip = compressed.pipe(createGunzip());
  compressed.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    damaged(`${source} starts like a gzip file but could not be decompressed past here (${(err as Error).message}); the events before were checked: give the whole file, or the uncompressed JSONL`);
  }
}

/** Lines of the trace at `path` ("-" for standard input), gzip or plain, read 1 MiB at a time. */
export async function* traceSourceLines(path: string): AsyncGenerator<TraceLine[]> {
  const input: AsyncIterable<Buffer> = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  let damage: string | undefined;
  let last = 0;
  for await (const batch of traceLines(decompressed(input, path === '-' ? 'standard input' : path, (why) => (damage = why)))) {
    last = batch[batch.length - 1]?.number ?? last;
    yield batch;
  }
  if (damage !== undefined) yield [{ number: last + 1, text: '', unterminated: true, damage }];
}
