/**
 * Plays one op sequence (op-sequence.ts) against one ZooKeeper server and records what each session saw, in the
 * order its socket delivered it: replies (err, zxid, decoded body), watch notifications, a close by the server.
 *
 * One request at a time: each operation is sent, followed by a ping on the same session, and that session is read
 * up to the ping's reply (with `pipeline`, a run of one session's operations is sent before the ping). Both servers
 * answer a session's requests in order and queue a notification for a session before they answer its next
 * request, so what each stream holds, and in which order, does not depend on timing;
 * the ping also bounds the wait for operations answered with no reply at all (a check outside a multi). The
 * sessions' streams are not interleaved with each other: across sessions only per-session order is promised.
 *
 * The play first creates its own root (session 0, create2, open ACL); its czxid is the base later zxids are
 * measured from. At the end every session still open is pinged (collecting the notifications still on the way)
 * and closed.
 */
import type { SocketAddress } from '../../spec/runtime.ts';
import { OpCode } from '../../reference/zk/op-codes.ts';
import { OPEN_ACL_UNSAFE } from '../../reference/zk/acl.ts';
import { CreateRequestCodec } from '../../reference/zk/request-records.ts';
import { Create2ResponseCodec, WatcherEventCodec } from '../../reference/zk/response-records.ts';
import { rawHandshake, RawPeer, readReply, requestFrame } from '../../reference/zk/test-support.ts';
import type { JuteReader } from '../../reference/zk/jute-reader.ts';
import type { ReplyHeader } from '../../reference/zk/header-records.ts';
import { LAST_CREATED, type OpSequence, type ZkOp } from './op-sequence.ts';
import { decodeBody, opFrame, wireXid, type Body } from './op-sequence-frames.ts';
import { req } from './request-frames.ts';

export type Entry =
  | { readonly kind: 'reply'; readonly op: number; readonly err: number; readonly zxid: bigint; readonly body?: Body }
  | { readonly kind: 'event'; readonly type: number; readonly state: number; readonly path: string; readonly zxid: bigint }
  /** A reply whose xid is none the player sent at that moment. */
  | { readonly kind: 'stray'; readonly xid: number; readonly err: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'timeout' };

export interface Play {
  readonly root: string;
  readonly sessionIds: readonly bigint[];
  /** czxid of the play's root. */
  readonly baseZxid: bigint;
  /** Per session, everything it received after the root was made. */
  readonly streams: readonly (readonly Entry[])[];
}

export interface PlayOptions {
  /** Longest wait for one reply before the session is given up (ms). */
  readonly replyTimeoutMs?: number;
  /** Send consecutive operations of one session together, as asynchronous clients do (see pipelinedRun). */
  readonly pipeline?: boolean;
}

/**
 * How many operations from `start` go out together: the following operations of the same session, up to one that
 * must travel alone. auth is answered outside the request pipeline on ZooKeeper (it may overtake requests sent
 * before it), a request right behind a setACL is checked against the old ACL by ZooKeeper (a documented
 * difference, reference/zk/README.md), and nothing follows a closeSession.
 */
export function pipelinedRun(ops: readonly ZkOp[], start: number): number {
  const alone = (op: ZkOp) => op.kind === 'auth' || op.kind === 'setACL' || op.kind === 'closeSession';
  let end = start + 1;
  if (alone(ops[start]!)) return 1;
  while (end < ops.length && ops[end]!.session === ops[start]!.session && !alone(ops[end]!)) end++;
  return end - start;
}

const CLOSE_XID = 1_000_000;

type Reply = { header: ReplyHeader; body: JuteReader };

async function nextReply(peer: RawPeer, timeoutMs: number): Promise<Reply | null | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    return await Promise.race([readReply(peer), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The paths a successful reply says were created (create, create2, and the creates of a multi). */
function createdPaths(op: ZkOp, body: Body): string[] {
  if (op.kind === 'create') return [(body as { path: string }).path];
  if (op.kind !== 'multi') return [];
  return (body as { type: number; path?: string }[]).filter((r) => r.type === OpCode.create || r.type === OpCode.create2).map((r) => r.path ?? '');
}

export async function playSequence(address: SocketAddress, sequence: OpSequence, root: string, options: PlayOptions = {}): Promise<Play> {
  const timeoutMs = options.replyTimeoutMs ?? 5_000;
  const cleanups: (() => void)[] = [];
  const peers: RawPeer[] = [];
  try {
    const sessionIds: bigint[] = [];
    for (let s = 0; s < sequence.sessions; s++) {
      const peer = await RawPeer.connect({ after: (fn) => void cleanups.push(() => void fn()) }, address);
      peers.push(peer);
      sessionIds.push((await rawHandshake(peer, { timeOut: 30_000 })).sessionId);
    }
    const streams: Entry[][] = peers.map(() => []);
    const open = peers.map(() => true);
    let lastCreated: string | undefined;
    const at = (relative: string): string => {
      if (relative === LAST_CREATED) return lastCreated ?? `${root}/none`;
      return relative === '' ? root : `${root}/${relative}`;
    };

    /** Reads session `s` until the ping's (or a closeSession's) reply, decoding the replies to `sent` (by wire xid). */
    const readUntilPing = async (s: number, sent: ReadonlyMap<number, { xid: number; op: ZkOp }> = new Map()): Promise<void> => {
      const peer = peers[s]!;
      for (;;) {
        const got = await nextReply(peer, timeoutMs);
        if (got === null || got === 'timeout') {
          streams[s]!.push({ kind: got === null ? 'closed' : 'timeout' });
          open[s] = false;
          peer.socket.destroy();
          return;
        }
        const { header, body } = got;
        const op = sent.get(header.xid);
        if (header.xid === -2) return;
        if (header.xid === -1) {
          const event = WatcherEventCodec.read(body);
          streams[s]!.push({ kind: 'event', ...event, zxid: header.zxid });
        } else if (op !== undefined) {
          const decoded = header.err === 0 || body.remaining() > 0 ? decodeBody(op.op, body) : undefined;
          streams[s]!.push({ kind: 'reply', op: op.xid, err: header.err, zxid: header.zxid, ...(decoded === undefined ? {} : { body: decoded }) });
          if (header.err === 0) for (const p of createdPaths(op.op, decoded)) lastCreated = p;
          if (op.op.kind === 'closeSession') return;
        } else {
          streams[s]!.push({ kind: 'stray', xid: header.xid, err: header.err });
        }
      }
    };

    peers[0]!.write(rootFrame(root));
    const made = await nextReply(peers[0]!, timeoutMs);
    if (made === null || made === 'timeout' || made.header.err !== 0) throw new Error(`could not create the play's root ${root} on ${address.host}:${address.port}`);
    const baseZxid = Create2ResponseCodec.read(made.body).stat.czxid;

    for (let i = 0; i < sequence.ops.length; ) {
      const session = sequence.ops[i]!.session;
      const run = options.pipeline ? pipelinedRun(sequence.ops, i) : 1;
      const sent = new Map<number, { xid: number; op: ZkOp }>();
      for (const [k, op] of sequence.ops.slice(i, i + run).entries()) {
        const xid = i + k + 1;
        sent.set(wireXid(op, xid), { xid, op });
        if (open[session]) peers[session]!.write(opFrame(op, xid, at));
      }
      i += run;
      if (!open[session]) continue;
      // After a closeSession nothing is sent, and its reply ends the reading: a ping right behind it is answered or
      // not depending on how soon ZooKeeper closes the connection (seen once in 3,000 plays).
      const closing = [...sent.values()].some(({ op }) => op.kind === 'closeSession');
      if (!closing) peers[session]!.write(req.ping());
      await readUntilPing(session, sent);
      if (closing) open[session] = false;
    }
    for (const [s, peer] of peers.entries()) {
      if (!open[s]) continue;
      peer.write(req.ping());
      await readUntilPing(s);
    }
    for (const [s, peer] of peers.entries()) if (open[s]) peer.write(req.closeSession(CLOSE_XID));
    await Promise.all(peers.map((peer, s) => (open[s] ? Promise.race([peer.closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]) : undefined)));
    return { root, sessionIds, baseZxid, streams };
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

/** The play's root: create2, persistent, open ACL, no data. */
function rootFrame(root: string): Uint8Array {
  return requestFrame(0, OpCode.create2, (w) => CreateRequestCodec.write(w, { path: root, data: null, acl: OPEN_ACL_UNSAFE, flags: 0 }));
}
