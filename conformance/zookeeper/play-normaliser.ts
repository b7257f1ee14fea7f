/**
 * What of a play (op-sequence-player.ts) two correct servers must agree on, as one line per received entry, so two
 * plays compare line by line. Normalised away, each because it legitimately differs between two servers:
 * - zxids: absolute values depend on the server's history, so each is written relative to the play root's czxid
 *   (`+3`); how many zxids each request uses, and which requests share one, is still compared;
 * - session ids (in ephemeralOwner): random per server, so written as the session's index in the play (`s1`);
 * - ctime and mtime: wall-clock times;
 * - the play's root path, different per play: written as `~`;
 * - the order of getChildren's and getEphemerals' lists: ZooKeeper returns them in hash-set order, the reference
 *   sorted; neither order is promised to clients, so both are sorted here;
 * - a notification's header zxid: ZooKeeper 3.5-3.8 sends -1 there and 3.9+ the event's zxid (ZK-FACTS, wire
 *   tables); the reference sends the event's zxid, so a 3.8 peer and the reference may differ by version there.
 */
import { errName } from '../../reference/zk/error-codes.ts';
import type { Entry, Play } from './op-sequence-player.ts';

const ZXID_FIELDS = new Set(['czxid', 'mzxid', 'pzxid', 'zxid']);
const TIME_FIELDS = new Set(['ctime', 'mtime']);
const SORTED_LISTS = new Set(['children', 'ephemerals']);

function zxid(z: bigint, play: Play): string {
  if (z === -1n) return '-1';
  if (z >= play.baseZxid) return `+${z - play.baseZxid}`;
  return 'before the play';
}

function owner(id: bigint, play: Play): string {
  if (id === 0n) return '0';
  const index = play.sessionIds.indexOf(id);
  if (index >= 0) return `s${index}`;
  if (id > 0n) return 'another session';
  // Containers and TTL nodes: the owner encodes the kind (and the TTL), the same on both servers.
  return `0x${BigInt.asUintN(64, id).toString(16)}`;
}

function relative(path: string, play: Play): string {
  return path === play.root || path.startsWith(`${play.root}/`) ? `~${path.slice(play.root.length)}` : path;
}

function normalise(value: unknown, key: string, play: Play): unknown {
  if (typeof value === 'bigint') {
    if (ZXID_FIELDS.has(key)) return zxid(value, play);
    if (key === 'ephemeralOwner') return owner(value, play);
    return value.toString();
  }
  if (typeof value === 'string') return relative(value, play);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => normalise(item, '', play));
    return SORTED_LISTS.has(key) ? items.sort() : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!TIME_FIELDS.has(k)) out[k] = normalise(v, k, play);
    return out;
  }
  return value;
}

/** One entry as a line; the notification's zxid is left out (see the header). */
export function entryLine(entry: Entry, play: Play): string {
  switch (entry.kind) {
    case 'reply': {
      const body = entry.body === undefined ? '' : ` ${JSON.stringify(normalise(entry.body, '', play))}`;
      return `#${entry.op} ${entry.err === 0 ? 'ok' : errName(entry.err)} zxid ${zxid(entry.zxid, play)}${body}`;
    }
    case 'event':
      return `event type ${entry.type} state ${entry.state} ${relative(entry.path, play)}`;
    case 'stray':
      return `stray reply xid ${entry.xid} ${errName(entry.err)}`;
    default:
      return entry.kind;
  }
}

/** Per session, its entries as lines. */
export function playLines(play: Play): string[][] {
  return play.streams.map((stream) => stream.map((entry) => entryLine(entry, play)));
}
