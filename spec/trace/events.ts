/**
 * The trace event vocabulary: one JSON object per line (JSONL), one event per runtime operation, plus the
 * few factory-level facts that no runtime call reveals. A Java, Go or Rust factory writes the same lines to be
 * judged by the same invariants. Ids are stable names (`ch3`, `k3`, `sel1`, `ss0`,
 * `acceptedQueue@SelectorThread-1`), never object identities.
 */

/** Fields every event carries. */
export interface EventBase {
  /** 0, 1, 2, ... in emission order. */
  readonly seq: number;
  /** Runtime clock in ms (virtual in the simulation). */
  readonly t: number;
  /** Logical thread that caused the event (`peer <ip>#<n>` for scripted peers in the simulation). */
  readonly thread: string;
}

export interface ReadyKey {
  readonly key: string;
  readonly ops: number;
}

/** Events the runtime emits for its own operations. */
export type RuntimeEvent =
  | { readonly ev: 'threadStart'; readonly name: string }
  | { readonly ev: 'threadEnd'; readonly name: string; readonly error?: string }
  | { readonly ev: 'selectBegin'; readonly sel: string; readonly timeout?: number }
  | { readonly ev: 'selectEnd'; readonly sel: string; readonly ready: readonly ReadyKey[]; readonly woken: boolean }
  | { readonly ev: 'wakeup'; readonly sel: string }
  | { readonly ev: 'selectorClose'; readonly sel: string }
  | { readonly ev: 'register'; readonly sel: string; readonly ch: string; readonly key: string; readonly ops: number }
  | { readonly ev: 'interestOps'; readonly key: string; readonly ch: string; readonly ops: number }
  | { readonly ev: 'cancel'; readonly key: string; readonly ch: string }
  | { readonly ev: 'offer'; readonly queue: string; readonly item: string; readonly ok: boolean }
  | { readonly ev: 'poll'; readonly queue: string; readonly item: string | null }
  | { readonly ev: 'takeBegin'; readonly queue: string }
  | { readonly ev: 'take'; readonly queue: string; readonly item: string }
  | { readonly ev: 'bind'; readonly ss: string; readonly host: string; readonly port: number; readonly backlog: number; readonly tls?: boolean }
  | { readonly ev: 'accept'; readonly ss: string; readonly ch: string | null; readonly remote?: string; readonly error?: string }
  | { readonly ev: 'read'; readonly ch: string; readonly n: number }
  | { readonly ev: 'write'; readonly ch: string; readonly requested: number; readonly n: number }
  | { readonly ev: 'close'; readonly ch: string; readonly reason: string; readonly reset?: boolean }
  /**
   * A read or write on a channel this side had closed, or an interest-ops change on a cancelled key: the runtime
   * refused it with an error (EBADF, a cancelled-key error). Traced so that the attempt itself can be judged.
   */
  | { readonly ev: 'invalidUse'; readonly op: 'read' | 'write' | 'interestOps'; readonly ch: string; readonly key?: string }
  /** A channel of a TLS listening socket finished its handshake: completed (ok) or failed (the runtime's reason). */
  | { readonly ev: 'tlsHandshake'; readonly ch: string; readonly ok: boolean; readonly error?: string }
  | { readonly ev: 'sleep'; readonly ms: number }
  | { readonly ev: 'interrupted'; readonly name: string }
  | { readonly ev: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly msg: string };

/** Events scripted peers cause (simulation only; a recorded trace may also carry them from a client-side capture). */
export type PeerEvent =
  | { readonly ev: 'peerConnect'; readonly peer: string; readonly ip: string }
  /** `data`: the bytes as hex (spec/trace/peer-data.ts), when the chunk is small enough to carry them. */
  | { readonly ev: 'peerSend'; readonly peer: string; readonly ch: string; readonly n: number; readonly data?: string }
  | { readonly ev: 'peerRecv'; readonly peer: string; readonly ch: string; readonly n: number; readonly digest?: string }
  | { readonly ev: 'peerClose'; readonly peer: string; readonly ch: string; readonly how: 'halfClose' | 'reset' | 'close' };

/** Factory-level facts, reported through `runtime.fact` (the runtime stamps seq, t and thread). */
export type FactoryFact =
  | {
      readonly ev: 'configured';
      readonly factory: string;
      readonly selectors: readonly string[];
      readonly workers: number;
      readonly maxClientCnxns: number;
      readonly sessionlessTimeout: number;
      readonly expiryInterval: number;
    }
  | { readonly ev: 'lifecycle'; readonly phase: 'start' | 'stop' | 'joined' }
  | { readonly ev: 'cnxnCreated'; readonly ch: string; readonly key: string; readonly ip: string }
  | { readonly ev: 'cnxnRefused'; readonly ch: string; readonly ip: string; readonly why: string }
  | { readonly ev: 'session'; readonly ch: string; readonly sessionId: string; readonly timeout: number }
  | { readonly ev: 'touch'; readonly ch: string; readonly deadline: number }
  | { readonly ev: 'expire'; readonly ch: string }
  | { readonly ev: 'ioScheduled'; readonly ch: string }
  | { readonly ev: 'ioStart'; readonly ch: string }
  | { readonly ev: 'ioEnd'; readonly ch: string }
  | { readonly ev: 'acceptPaused'; readonly ms: number }
  | { readonly ev: 'outgoing'; readonly ch: string; readonly n: number; readonly digest: string };

/**
 * Events the harness (or a recorder wrapped around a real server) emits for what it saw itself: the
 * configuration it passed to the factory, and every call across the RequestHandler boundary in both directions.
 * They are observations, not claims: invariants prefer them to a factory's own facts.
 */
export type HarnessEvent =
  /** The configuration the harness gave the factory (absent fields: the spec's defaults). */
  | {
      readonly ev: 'given';
      readonly selectors?: number;
      readonly workers?: number;
      readonly maxClientCnxns: number;
      readonly sessionlessTimeout?: number;
      readonly maxCnxns?: number;
      readonly juteMaxBuffer?: number;
      readonly globalOutstandingLimit?: number;
      readonly shutdownTimeout?: number;
    }
  /** The factory handed the handler a frame payload (length prefix excluded) or a four-letter word. */
  | {
      readonly ev: 'handlerCall';
      readonly ch: string;
      readonly call: 'connectRequest' | 'packet' | 'fourLetterWord';
      readonly n: number;
      /** FNV-1a digest of the payload (spec/trace/digest.ts), so a corrupted frame is visible. */
      readonly digest?: string;
    }
  /** A handler call ended; `threw` when it threw (on purpose in the harness, to see the factory survive it). */
  | { readonly ev: 'handlerReturn'; readonly ch: string; readonly call: 'connectRequest' | 'packet' | 'fourLetterWord'; readonly threw?: string }
  /**
   * The handler acted on a connection through ServerConnection; for setSession, `n` is the timeout in ms. For
   * closeSession (a call of the factory's closeSession, reported before it): `ch` is the connection the handler
   * saw take that session and still holds it by what it saw, `none` when no connection does (an unknown id, a
   * session whose connection closed).
   */
  | {
      readonly ev: 'handlerAct';
      readonly ch: string;
      readonly act: 'send' | 'closeAfterFlush' | 'close' | 'disableRecv' | 'enableRecv' | 'setSession' | 'closeSession';
      readonly n?: number;
      /** For send: the running digest of every byte the handler has sent on this connection, this frame included. */
      readonly digest?: string;
      readonly reason?: string;
    }
  /** The factory told the handler that a connection closed. */
  | { readonly ev: 'connectionClosed'; readonly ch: string; readonly reason: string };

export type TraceBody = RuntimeEvent | PeerEvent | FactoryFact | HarnessEvent;

/** One line of a trace. */
export type TraceEvent = EventBase & TraceBody;

export type EventName = TraceBody['ev'];
