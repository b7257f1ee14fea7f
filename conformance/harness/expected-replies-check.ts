/**
 * Holds what each scripted peer read against the answer model (expected-replies.ts): every reply the right one
 * for its request, in order, byte for byte; nothing extra; and, at rest, nothing missing on a connection that is
 * still open. A mismatch is a harness problem naming the peer, the connection, the reply (or its absence), the
 * requirement, and the trace event where it shows (the peer's read, or the connection's last event).
 */
import type { TraceEvent } from '../../spec/trace/events.ts';
import { decodeConnectResponse } from '../../reference/server/frames.ts';
import type { PeerConnection } from '../sim/index.ts';
import { concatBytes } from '../sim/byte-queue.ts';
import type { ConnectionModel } from './expected-replies.ts';
import type { Problem } from './run-scenario.ts';

/** A connection as it was when the run came to rest. */
export interface RestSnapshot {
  readonly received: Uint8Array;
  readonly ended: boolean;
}

interface Resolved {
  readonly what: string;
  readonly requirements: readonly string[];
  readonly start: number;
  readonly bytes: Uint8Array;
}

interface Stream {
  readonly items: readonly Resolved[];
  readonly expected: Uint8Array;
  /** The close that ends the stream, if the model has one. */
  readonly close?: { readonly what: string; readonly requirements: readonly string[]; readonly required: boolean };
  /** The handler never answered a handshake the model has: the stream stops there. */
  readonly unanswered: boolean;
}

export interface PeerCheck {
  readonly peer: string;
  readonly models: readonly ConnectionModel[];
  readonly connections: readonly PeerConnection[];
  /** Snapshots at rest, per connection; absent when the run never came to rest (a stop scenario). */
  readonly atRest?: readonly RestSnapshot[];
  readonly handshakeReply: (ch: string) => Uint8Array | undefined;
  readonly trace: readonly TraceEvent[];
  /** Trace length at rest: where evidence of a missing reply is looked for. */
  readonly restLength: number;
}

export function checkPeerReplies(check: PeerCheck): Problem[] {
  const problems: Problem[] = [];
  check.connections.forEach((conn, i) => {
    const model = check.models[i];
    if (!model) return;
    const stream = resolve(model, check.handshakeReply(conn.ch));
    const got = conn.received();
    const label = `${check.peer} (${conn.ch})`;
    const mismatch = firstDifference(got, stream.expected);
    if (mismatch < Math.min(got.length, stream.expected.length)) {
      const item = stream.items.find((it) => mismatch < it.start + it.bytes.length)!;
      problems.push({
        requirements: item.requirements,
        message:
          `${label}: ${item.what} differs at byte ${mismatch - item.start} (expected ${hex(stream.expected.subarray(mismatch, mismatch + 4))}, got ${hex(got.subarray(mismatch, mismatch + 4))}): ` +
          `expected ${describe(item.bytes, 0)}, got ${describe(got, item.start)}`,
        evidence: [recvEventAt(check.trace, conn.ch, mismatch)],
      });
      return;
    }
    if (got.length > stream.expected.length) {
      const after = stream.unanswered
        ? 'before the handler sent any ConnectResponse'
        : stream.close
          ? `after ${stream.close.what}`
          : `after the last reply the handler sent (${stream.items.at(-1)?.what ?? 'none'})`;
      problems.push({
        requirements: stream.close?.requirements ?? ['cnxn.outgoing-buffers', 'wire.order'],
        message: `${label}: ${got.length - stream.expected.length} unexpected byte(s) arrived ${after}: ${describe(got, stream.expected.length)}`,
        evidence: [recvEventAt(check.trace, conn.ch, stream.expected.length)],
      });
      return;
    }
    const rest = check.atRest?.[i];
    if (!rest || rest.ended) return;
    const evidence = [lastEventOf(check.trace, conn.ch, check.restLength)];
    if (stream.unanswered && model.complete) {
      problems.push({ requirements: ['wire.handshake', 'cnxn.framing'], message: `${label}: at rest, the connection is open and the handler never received its ConnectRequest`, evidence });
    } else if (model.complete && rest.received.length < stream.expected.length) {
      const item = stream.items.find((it) => rest.received.length < it.start + it.bytes.length)!;
      problems.push({ requirements: item.requirements, message: `${label}: at rest, the connection is open and ${item.what} never arrived (${rest.received.length} of ${stream.expected.length} bytes read)`, evidence });
    } else if (stream.close?.required && rest.received.length >= stream.expected.length && !stream.unanswered) {
      problems.push({ requirements: stream.close.requirements, message: `${label}: at rest, the connection is still open: ${stream.close.what} never came`, evidence });
    }
  });
  return problems;
}

function resolve(model: ConnectionModel, handshake: Uint8Array | undefined): Stream {
  const items: Resolved[] = [];
  let at = 0;
  const push = (what: string, requirements: readonly string[], bytes: Uint8Array) => {
    items.push({ what, requirements, start: at, bytes });
    at += bytes.length;
  };
  const finish = (close?: Stream['close'], unanswered = false): Stream => ({ items, expected: concatBytes(items.map((it) => it.bytes)), close, unanswered });
  for (const reply of model.replies) {
    if (reply.kind === 'close') return finish(reply);
    if (reply.kind === 'bytes') {
      push(reply.what, reply.requirements, reply.bytes);
      continue;
    }
    if (handshake === undefined) return finish(undefined, true);
    push(reply.what, ['wire.handshake'], handshake);
    if (isRefusal(handshake)) return finish({ what: 'the close after a refused reconnect', requirements: ['wire.handshake', 'cnxn.close'], required: true });
  }
  return finish();
}

function isRefusal(handshake: Uint8Array): boolean {
  const response = decodeConnectResponse(handshake.subarray(4));
  return response.sessionId === 0n && response.timeOut === 0;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** A short reading of the bytes at `at`: a frame's length and xid, or text. */
function describe(bytes: Uint8Array, at: number): string {
  const rest = bytes.subarray(at);
  if (rest.length === 0) return 'nothing';
  const view = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
  const printable = rest.subarray(0, 8).every((b) => b >= 0x20 && b < 0x7f);
  if (printable) return `"${new TextDecoder().decode(rest.subarray(0, 16))}"`;
  if (rest.length < 8) return `${rest.length} byte(s) ${hex(rest)}`;
  return `a frame of length ${view.getInt32(0, false)} with xid ${view.getInt32(4, false)} (${hex(rest.subarray(0, 16))}${rest.length > 16 ? '...' : ''})`;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The peer's read that delivered byte `offset` of connection `ch`. */
function recvEventAt(trace: readonly TraceEvent[], ch: string, offset: number): number {
  let read = 0;
  let last = trace.length - 1;
  for (const e of trace) {
    if (e.ev !== 'peerRecv' || e.ch !== ch) continue;
    read += e.n;
    last = e.seq;
    if (read > offset) return e.seq;
  }
  return last;
}

function lastEventOf(trace: readonly TraceEvent[], ch: string, before: number): number {
  for (let i = Math.min(before, trace.length) - 1; i >= 0; i--) {
    const e = trace[i]!;
    if ('ch' in e && e.ch === ch) return e.seq;
  }
  return Math.max(0, before - 1);
}

/** Every connection of every peer, as it is now: the at-rest snapshot. */
export function restSnapshots(peers: readonly { connections(): readonly PeerConnection[] }[]): RestSnapshot[][] {
  return peers.map((peer) =>
    peer.connections().map((c) => ({ received: c.received(), ended: c.serverClosed() !== undefined || c.peerEnded() !== undefined })),
  );
}
