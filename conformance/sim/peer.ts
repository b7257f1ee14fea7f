/**
 * Scripted peers: network clients the scheduler interleaves with the factory's threads. A peer connects (its
 * first action, due at `at`), then plays its actions in order; each send chunk, read, expect progress and close
 * is one step, traced as the thread `peer <ip>#<n>`. `idle` and `window` take no step: idle makes the next action
 * due later in virtual time, window changes how much the server may have in flight to this peer.
 *
 * A peer whose port has no listener yet waits for one (a client retrying), unless `whenUnbound: 'refuse'`;
 * a refused connect (no listener, full backlog) is logged by the peer and ends its script.
 *
 * `reconnect` opens a new connection from the same address and leaves the old one as it is (a client that
 * lost its connection does not tell the server); later actions use the new one. A `send` may compute its bytes
 * when it is due from what the peer has read so far on each of its connections (a reconnect names the session
 * id the earlier handshake reply carried).
 */

import type { StepActor } from './actor.ts';
import { concatBytes } from './byte-queue.ts';
import type { Connection } from './connection.ts';
import type { SimContext } from './context.ts';
import { DEFAULT_PEER_IP, DEFAULT_RECEIVE_WINDOW } from './net-defaults.ts';
import { sentData } from '../../spec/trace/peer-data.ts';

/** Bytes computed when the send is due, from everything read so far on each connection of the peer, in order. */
export type LateBytes = (received: readonly Uint8Array[]) => Uint8Array;

export type PeerAction =
  | { readonly do: 'send'; readonly data: Uint8Array | string | LateBytes; readonly chunks?: readonly number[] }
  /** Reads what is in flight, at most `max` bytes (all by default); never waits. */
  | { readonly do: 'read'; readonly max?: number }
  /** Waits until `n` more bytes have arrived (reading them as they come) or the server closed. */
  | { readonly do: 'expect'; readonly n: number }
  | { readonly do: 'window'; readonly size: number }
  | { readonly do: 'idle'; readonly ms: number }
  | { readonly do: 'halfClose' }
  | { readonly do: 'reset' }
  | { readonly do: 'close' }
  | { readonly do: 'reconnect' };

export interface PeerScript {
  readonly ip?: string;
  readonly port: number;
  /** Virtual time of the connect; 0 by default. */
  readonly at?: number;
  readonly receiveWindow?: number;
  readonly whenUnbound?: 'wait' | 'refuse';
  readonly actions?: readonly PeerAction[];
}

export type PeerStatus = 'connecting' | 'connected' | 'refused' | 'done';

/** What tests see of a scripted peer. */
export interface SimPeer {
  readonly name: string;
  status(): PeerStatus;
  /** The connection's channel id, once connected. */
  ch(): string | undefined;
  /** Every byte the peer has read, in order. */
  received(): Uint8Array;
  serverClosed(): 'fin' | 'reset' | undefined;
  refusal(): string | undefined;
  /** Every connection the peer opened, in order (more than one after a reconnect). */
  connections(): readonly PeerConnection[];
}

/** What tests see of one connection of a peer. */
export interface PeerConnection {
  readonly ch: string;
  /** Every byte read on it, in order. */
  received(): Uint8Array;
  serverClosed(): 'fin' | 'reset' | undefined;
  /** How the peer ended it, if it did. */
  peerEnded(): 'halfClose' | 'close' | 'reset' | undefined;
}

type Step =
  | { readonly kind: 'connect' }
  | { readonly kind: 'send'; readonly bytes: Uint8Array }
  | { readonly kind: 'sendLate'; readonly make: LateBytes; readonly chunks: readonly number[] }
  | { readonly kind: 'read'; readonly max: number }
  | { readonly kind: 'expect'; readonly n: number }
  | { readonly kind: 'shutdown'; readonly how: 'halfClose' | 'close' | 'reset' }
  | { readonly kind: 'idle'; readonly ms: number }
  | { readonly kind: 'window'; readonly size: number };

function normalize(actions: readonly PeerAction[]): Step[] {
  const steps: Step[] = [{ kind: 'connect' }];
  for (const a of actions) {
    switch (a.do) {
      case 'send':
        if (typeof a.data === 'function') steps.push({ kind: 'sendLate', make: a.data, chunks: a.chunks ?? [] });
        else steps.push(...sendSteps(typeof a.data === 'string' ? new TextEncoder().encode(a.data) : a.data, a.chunks ?? []));
        break;
      case 'reconnect':
        steps.push({ kind: 'connect' });
        break;
      case 'read':
        steps.push({ kind: 'read', max: a.max ?? Number.POSITIVE_INFINITY });
        break;
      case 'expect':
        steps.push({ kind: 'expect', n: a.n });
        break;
      case 'window':
        steps.push({ kind: 'window', size: a.size });
        break;
      case 'idle':
        steps.push({ kind: 'idle', ms: Math.max(0, Math.ceil(a.ms)) });
        break;
      default:
        steps.push({ kind: 'shutdown', how: a.do });
    }
  }
  return steps;
}

/** One send step per chunk (the rest in a last one). */
function sendSteps(bytes: Uint8Array, chunks: readonly number[]): Step[] {
  const steps: Step[] = [];
  let at = 0;
  for (const size of chunks) {
    if (at >= bytes.length) break;
    const n = Math.max(1, Math.floor(size));
    steps.push({ kind: 'send', bytes: bytes.slice(at, at + n) });
    at += n;
  }
  if (at < bytes.length || bytes.length === 0) steps.push({ kind: 'send', bytes: bytes.slice(at) });
  return steps;
}

export class ScriptedPeer implements StepActor, SimPeer {
  readonly kind = 'peer';
  private readonly steps: Step[];
  private index = 0;
  private dueAt: number;
  private got = 0;
  private conn: Connection | undefined;
  private readonly conns: Connection[] = [];
  private refused: string | undefined;

  constructor(
    private readonly ctx: SimContext,
    readonly name: string,
    readonly order: number,
    private readonly script: PeerScript,
  ) {
    this.steps = normalize(script.actions ?? []);
    this.dueAt = script.at ?? 0;
  }

  runnable(now: number): boolean {
    const step = this.steps[this.index];
    if (!step || now < this.dueAt) return false;
    if (step.kind === 'connect') return this.script.whenUnbound === 'refuse' || this.ctx.network.listening(this.script.port);
    if (step.kind === 'expect') return this.got >= step.n || this.conn!.toPeer.length > 0 || this.conn!.peerAtEnd();
    return true;
  }

  deadline(): number | undefined {
    return this.index < this.steps.length ? this.dueAt : undefined;
  }

  waitingOn(): string | undefined {
    const step = this.steps[this.index];
    if (!step) return undefined;
    if (step.kind === 'connect') return `connect to port ${this.script.port}`;
    if (step.kind === 'expect') return `expect ${step.n - this.got} more byte(s) on ${this.conn!.ch}`;
    return `${step.kind} at t=${this.dueAt}`;
  }

  step(): void {
    const step = this.steps[this.index]!;
    const conn = this.conn;
    switch (step.kind) {
      case 'connect':
        return this.connect();
      case 'sendLate': {
        // The bytes exist only now: replace this step by their send steps, and play the first.
        const bytes = step.make(this.conns.map((c) => concatBytes(c.received)));
        this.steps.splice(this.index, 1, ...sendSteps(bytes, step.chunks));
        return this.step();
      }
      case 'send':
        conn!.peerSend(step.bytes);
        this.ctx.emit({ ev: 'peerSend', peer: this.name, ch: conn!.ch, n: step.bytes.length, ...sentData(step.bytes) }, this.name);
        break;
      case 'read': {
        const n = conn!.peerTake(step.max).length;
        this.ctx.emit({ ev: 'peerRecv', peer: this.name, ch: conn!.ch, n, digest: conn!.receivedDigest() }, this.name);
        break;
      }
      case 'expect': {
        const n = conn!.peerTake(step.n - this.got).length;
        this.got += n;
        if (n > 0) this.ctx.emit({ ev: 'peerRecv', peer: this.name, ch: conn!.ch, n, digest: conn!.receivedDigest() }, this.name);
        if (this.got < step.n && !conn!.peerAtEnd()) {
          conn!.awaiting = step.n - this.got;
          return;
        }
        this.got = 0;
        conn!.awaiting = 0;
        break;
      }
      case 'shutdown':
        conn!.shutdown(step.how);
        this.ctx.emit({ ev: 'peerClose', peer: this.name, ch: conn!.ch, how: step.how }, this.name);
        break;
      default:
        break;
    }
    this.advance();
  }

  status(): PeerStatus {
    if (this.refused !== undefined) return 'refused';
    if (!this.conn) return 'connecting';
    return this.index < this.steps.length ? 'connected' : 'done';
  }

  ch(): string | undefined {
    return this.conn?.ch;
  }

  received(): Uint8Array {
    return concatBytes(this.conn?.received ?? []);
  }

  serverClosed(): 'fin' | 'reset' | undefined {
    return this.conn?.serverClosed;
  }

  refusal(): string | undefined {
    return this.refused;
  }

  connections(): readonly PeerConnection[] {
    return this.conns.map((c) => ({
      ch: c.ch,
      received: () => concatBytes(c.received),
      serverClosed: () => c.serverClosed,
      peerEnded: () => (c.peerShutdown === 'none' ? undefined : c.peerShutdown),
    }));
  }

  private connect(): void {
    const ip = this.script.ip ?? DEFAULT_PEER_IP;
    const conn = this.ctx.network.connect(this.name, ip, this.script.port, this.script.receiveWindow ?? DEFAULT_RECEIVE_WINDOW);
    if (typeof conn === 'string') {
      this.refused = conn;
      this.index = this.steps.length;
      this.ctx.emit({ ev: 'log', level: 'info', msg: `connection refused: ${conn}` }, this.name);
      return;
    }
    this.conn = conn;
    this.conns.push(conn);
    this.advance();
  }

  /** Moves to the next step, applying the zero-step actions (idle, window) on the way. */
  private advance(): void {
    this.index++;
    for (let step = this.steps[this.index]; step; step = this.steps[++this.index]) {
      if (step.kind === 'idle') this.dueAt = Math.max(this.dueAt, this.ctx.clock.now()) + step.ms;
      else if (step.kind === 'window') this.conn!.receiveWindow = step.size;
      else break;
    }
    const next = this.steps[this.index];
    if (next?.kind === 'expect') this.conn!.awaiting = next.n;
  }
}
