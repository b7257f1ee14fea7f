/**
 * A scenario: the factory's configuration, the peers that talk to it, the faults injected, and when (if at
 * all) the factory is stopped. Scenarios are plain data, drawn by fast-check (scenario-arbitrary.ts) and
 * compiled here into the simulation's peer scripts, so that what a failure prints can be read as a story.
 */

import type { CostModel, FaultPlan, PeerAction, PeerScript } from '../sim/index.ts';
import { encodeConnectRequest, encodeRequest, frame, pingFrame } from '../../reference/server/frames.ts';

export const SCENARIO_PORT = 2181;
/** Connect and reply sizes of the reference request handler (4-byte length prefix included). */
const CONNECT_RESPONSE_BYTES = 4 + 4 + 4 + 8 + 4 + 16;
const REPLY_HEADER_BYTES = 4 + 4 + 8 + 4;
/** An op code the reference handler echoes (ZooKeeper's exists). */
const OP_ECHOED = 3;

export interface ScenarioConfig {
  readonly selectors: number;
  readonly workers: number;
  readonly maxClientCnxns: number;
  readonly sessionlessTimeout: number;
}

export type PeerStep =
  | { readonly kind: 'handshake'; readonly timeout: number; readonly chunks: readonly number[] }
  | { readonly kind: 'requests'; readonly sizes: readonly number[]; readonly chunks: readonly number[] }
  | { readonly kind: 'ping' }
  | { readonly kind: 'idle'; readonly ms: number }
  | { readonly kind: 'window'; readonly size: number }
  | { readonly kind: 'badLength'; readonly length: number }
  | { readonly kind: 'halfClose' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'close' };

export interface PeerPlan {
  readonly ip: string;
  /** Virtual ms of the connect. */
  readonly at: number;
  /** Bytes the server may have in flight to this peer before its writes become partial. */
  readonly receiveWindow: number;
  readonly steps: readonly PeerStep[];
}

export interface Scenario {
  readonly config: ScenarioConfig;
  readonly peers: readonly PeerPlan[];
  readonly faults: FaultPlan;
  /** Virtual time reads, writes and handler calls take (scenario/costs.ts); absent or empty: none. */
  readonly costs?: CostModel;
  /** Virtual ms at which the factory is shut down before the peers are done; absent: after they are. */
  readonly stopAt?: number;
}

/** The simulation's script for one peer: every request is followed by waiting for its reply. */
export function peerScript(plan: PeerPlan): PeerScript {
  const actions: PeerAction[] = [];
  let xid = 1;
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'handshake': {
        const request = encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: step.timeout, sessionId: 0n, passwd: new Uint8Array(16) });
        actions.push({ do: 'send', data: frame(request), chunks: step.chunks }, { do: 'expect', n: CONNECT_RESPONSE_BYTES });
        break;
      }
      case 'requests': {
        const frames = step.sizes.map((size) => frame(encodeRequest({ xid: xid++, type: OP_ECHOED }, body(size, xid))));
        const expected = step.sizes.reduce((sum, size) => sum + REPLY_HEADER_BYTES + size, 0);
        actions.push({ do: 'send', data: concat(frames), chunks: step.chunks }, { do: 'expect', n: expected });
        break;
      }
      case 'ping':
        actions.push({ do: 'send', data: pingFrame() }, { do: 'expect', n: REPLY_HEADER_BYTES });
        break;
      case 'idle':
        actions.push({ do: 'idle', ms: step.ms });
        break;
      case 'window':
        actions.push({ do: 'window', size: step.size });
        break;
      case 'badLength': {
        const bad = new Uint8Array(4);
        new DataView(bad.buffer).setInt32(0, step.length, false);
        actions.push({ do: 'send', data: bad }, { do: 'read' });
        break;
      }
      default:
        actions.push({ do: step.kind });
    }
  }
  return { ip: plan.ip, port: SCENARIO_PORT, at: plan.at, receiveWindow: plan.receiveWindow, actions };
}

/** Virtual time by which every peer has played its last scripted action. */
export function peersDoneAt(scenario: Scenario): number {
  return Math.max(0, ...scenario.peers.map((p) => p.at + p.steps.reduce((t, s) => t + (s.kind === 'idle' ? s.ms : 0), 0)));
}

/** Handshakes may ask for any timeout; the reference clamps it, so the longest a session can idle is bounded. */
export const LONGEST_SESSION_TIMEOUT = 60_000;

function body(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
