/**
 * Facts derived once from a trace that several invariants need: which channel a key belongs to, which selector
 * it is registered with, which thread owns a selector (the one that selects on it), a channel's remote IP, and
 * the configuration the factory reported.
 */

import type { TraceEvent } from '../trace/events.ts';
import { perTrace } from './per-trace.ts';

type Configured = Extract<TraceEvent, { ev: 'configured' }>;

export interface TraceIndex {
  readonly keyChannel: ReadonlyMap<string, string>;
  readonly keySelector: ReadonlyMap<string, string>;
  /** Selector id -> the thread that selects on it. */
  readonly selectorOwner: ReadonlyMap<string, string>;
  /** Thread name -> the selector it selects on. */
  readonly threadSelector: ReadonlyMap<string, string>;
  readonly channelIp: ReadonlyMap<string, string>;
  readonly configured: Configured | undefined;
}

/** `10.0.0.1:4242` -> `10.0.0.1`; `[::1]:80` -> `::1`. */
export function ipOf(remote: string): string {
  const bracketed = /^\[(.*)\]:\d+$/.exec(remote);
  if (bracketed?.[1]) return bracketed[1];
  const at = remote.lastIndexOf(':');
  return at > 0 && remote.indexOf(':') === at ? remote.slice(0, at) : remote;
}

/** The thread a queue belongs to: `acceptedQueue@SelectorThread-1` -> `SelectorThread-1`. */
export function queueOwner(queue: string): string | undefined {
  const at = queue.indexOf('@');
  return at >= 0 ? queue.slice(at + 1) : undefined;
}

export function queueKind(queue: string): string {
  const at = queue.indexOf('@');
  return at >= 0 ? queue.slice(0, at) : queue;
}

/** Several invariants index one trace: one index per trace (per-trace.ts). */
const indexed = perTrace((trace: readonly TraceEvent[]) => buildIndex(trace));

export function indexTrace(trace: readonly TraceEvent[]): TraceIndex {
  return indexed(trace, undefined);
}

function buildIndex(trace: readonly TraceEvent[]): TraceIndex {
  const keyChannel = new Map<string, string>();
  const keySelector = new Map<string, string>();
  const selectorOwner = new Map<string, string>();
  const threadSelector = new Map<string, string>();
  const channelIp = new Map<string, string>();
  let configured: Configured | undefined;
  for (const e of trace) {
    switch (e.ev) {
      case 'register':
        keyChannel.set(e.key, e.ch);
        keySelector.set(e.key, e.sel);
        break;
      case 'selectBegin':
        if (!selectorOwner.has(e.sel)) selectorOwner.set(e.sel, e.thread);
        if (!threadSelector.has(e.thread)) threadSelector.set(e.thread, e.sel);
        break;
      case 'accept':
        if (e.ch && e.remote) channelIp.set(e.ch, ipOf(e.remote));
        break;
      case 'configured':
        configured ??= e;
        break;
      default:
        break;
    }
  }
  return { keyChannel, keySelector, selectorOwner, threadSelector, channelIp, configured };
}

/** True for a client connection's channel id (not a listening socket). */
export function isClientChannel(ch: string): boolean {
  return !ch.startsWith('ss');
}
