/**
 * What the harness knows or the runtime observed, as opposed to what a factory says about itself: the
 * configuration the harness gave (`given`), the moment stop began, and the frames a peer's bytes make.
 * Invariants read configuration from `given`; only a trace without one (recorded outside the harness) falls
 * back to the factory's `configured` fact, and violations built on it say so.
 */

import { JUTE_MAXBUFFER, SESSIONLESS_CNXN_TIMEOUT_MS } from '../knobs.ts';
import type { TraceEvent } from '../trace/events.ts';
import { DIGEST_START, digestHex, digestUpdate } from '../trace/digest.ts';
import { hexToBytes } from '../trace/peer-data.ts';
import { perTrace } from './per-trace.ts';

export interface ObservedConfig {
  readonly from: 'given' | 'configured';
  readonly selectors: number | undefined;
  readonly workers: number | undefined;
  readonly maxClientCnxns: number;
  readonly maxCnxns: number;
  /** Also the expiry bucket interval (expiry.buckets). */
  readonly sessionlessTimeout: number;
  readonly expiryInterval: number;
  readonly juteMaxBuffer: number;
  /** Appended to violation messages: empty for `given`, a caveat for a factory's own claim. */
  readonly caveat: string;
}

export function givenOf(trace: readonly TraceEvent[]): Extract<TraceEvent, { ev: 'given' }> | undefined {
  return trace.find((e): e is Extract<TraceEvent, { ev: 'given' }> => e.ev === 'given');
}

/** True when the harness watched the handler boundary (it records `given` whenever it does). */
export function harnessObserved(trace: readonly TraceEvent[]): boolean {
  return givenOf(trace) !== undefined;
}

/** One object per trace (per-trace.ts), so that invariants share it: close-causes.ts keeps its work by it. */
const configOf = perTrace((trace: readonly TraceEvent[]) => readConfig(trace));

export function observedConfig(trace: readonly TraceEvent[]): ObservedConfig | undefined {
  return configOf(trace, undefined);
}

function readConfig(trace: readonly TraceEvent[]): ObservedConfig | undefined {
  const given = givenOf(trace);
  if (given) {
    const sessionless = given.sessionlessTimeout ?? SESSIONLESS_CNXN_TIMEOUT_MS;
    return {
      from: 'given',
      selectors: given.selectors,
      workers: given.workers,
      maxClientCnxns: given.maxClientCnxns,
      maxCnxns: given.maxCnxns ?? 0,
      sessionlessTimeout: sessionless,
      expiryInterval: sessionless,
      juteMaxBuffer: given.juteMaxBuffer ?? JUTE_MAXBUFFER,
      caveat: '',
    };
  }
  const configured = trace.find((e): e is Extract<TraceEvent, { ev: 'configured' }> => e.ev === 'configured');
  if (!configured) return undefined;
  return {
    from: 'configured',
    selectors: configured.selectors.length,
    workers: configured.workers,
    maxClientCnxns: configured.maxClientCnxns,
    maxCnxns: 0,
    sessionlessTimeout: configured.sessionlessTimeout,
    expiryInterval: configured.expiryInterval,
    juteMaxBuffer: JUTE_MAXBUFFER,
    caveat: ' (configuration as the factory reported it: the trace has no `given`)',
  };
}

/**
 * Where stop began: the factory's `lifecycle stop` fact or the close of a listening socket (which stop must do,
 * factory.lifecycle-stop), whichever the trace shows first. The harness records no event of its own for stop.
 */
export function stopPoint(trace: readonly TraceEvent[]): TraceEvent | undefined {
  return trace.find((e) => (e.ev === 'lifecycle' && e.phase === 'stop') || (e.ev === 'close' && e.ch.startsWith('ss')));
}

/** One unit of a peer's byte stream as the framing rules cut it (cnxn.framing). */
export type PeerUnit =
  | { readonly kind: 'frame'; readonly n: number; readonly digest: string; readonly end: number }
  | { readonly kind: 'badLength'; readonly length: number; readonly end: number };

/**
 * Cuts each channel's peer bytes into frames (4-byte big-endian length, then the payload) up to the first bad
 * length (negative or above `max`, which includes every four-letter word), after which nothing is framed.
 * `end` is the stream offset just past the unit. A channel with a peerSend that carries no data is left out:
 * its stream is not known.
 */
export function peerUnits(trace: readonly TraceEvent[], max: number): ReadonlyMap<string, readonly PeerUnit[]> {
  return cuts(trace, max);
}

/** Two invariants cut one trace's peer bytes (frames-as-sent, close-causes): once per trace and limit (per-trace.ts). */
const cuts = perTrace(cutUnits);

function cutUnits(trace: readonly TraceEvent[], max: number): Map<string, PeerUnit[]> {
  const bytes = new Map<string, number[] | null>();
  for (const e of trace) {
    if (e.ev !== 'peerSend') continue;
    const so = bytes.get(e.ch);
    if (so === null) continue;
    if (e.data === undefined) bytes.set(e.ch, null);
    else {
      const into = so ?? bytes.set(e.ch, []).get(e.ch)!;
      for (const b of hexToBytes(e.data)) into.push(b);
    }
  }
  const out = new Map<string, PeerUnit[]>();
  for (const [ch, stream] of bytes) {
    if (stream === null) continue;
    const units: PeerUnit[] = [];
    let at = 0;
    while (at + 4 <= stream.length) {
      const length = ((stream[at]! << 24) | (stream[at + 1]! << 16) | (stream[at + 2]! << 8) | stream[at + 3]!) | 0;
      if (length < 0 || length > max) {
        units.push({ kind: 'badLength', length, end: at + 4 });
        break;
      }
      if (at + 4 + length > stream.length) break;
      const payload = Uint8Array.from(stream.slice(at + 4, at + 4 + length));
      units.push({ kind: 'frame', n: length, digest: digestHex(digestUpdate(DIGEST_START, payload)), end: at + 4 + length });
      at += 4 + length;
    }
    out.set(ch, units);
  }
  return out;
}
