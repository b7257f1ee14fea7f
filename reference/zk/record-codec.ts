/**
 * A record codec pairs a jute record's decoder with its encoder, so that the server (which decodes requests and
 * encodes replies) and the tests (which do the opposite, as a client would) share one definition of each record,
 * and round trips can be property-tested record by record.
 */
import type { JuteLimits } from './jute-limits.ts';
import { JuteReader } from './jute-reader.ts';
import { JuteWriter } from './jute-writer.ts';

export interface RecordCodec<T> {
  /** ZooKeeper's record name, for messages. */
  readonly name: string;
  read(r: JuteReader): T;
  write(w: JuteWriter, value: T): void;
}

export function encodeRecord<T>(codec: RecordCodec<T>, value: T): Uint8Array {
  const w = new JuteWriter();
  codec.write(w, value);
  return w.toBytes();
}

/** Decodes one record from `bytes`; trailing bytes are ignored, as ZooKeeper ignores them. */
export function decodeRecord<T>(codec: RecordCodec<T>, bytes: Uint8Array, limits?: JuteLimits): T {
  return codec.read(new JuteReader(bytes, limits));
}

/** A codec for `vector<T>` where null is read as an empty list. */
export function listOf<T>(codec: RecordCodec<T>): RecordCodec<T[]> {
  return {
    name: `vector<${codec.name}>`,
    read: (r) => r.vector((e) => codec.read(e), `vector<${codec.name}>`) ?? [],
    write: (w, items) => void w.vector(items, (e, item) => codec.write(e, item)),
  };
}

/** A codec for `vector<ustring>` where null is read as an empty list. */
export const stringList: RecordCodec<string[]> = {
  name: 'vector<ustring>',
  read: (r) => r.vector((e) => e.string('ustring element'), 'vector<ustring>') ?? [],
  write: (w, items) => void w.vector(items, (e, item) => e.ustring(item)),
};
