/**
 * A scenario: the factory's configuration, the peers that talk to it, the faults injected, and when (if at
 * all) the factory is stopped. Scenarios are plain data, drawn by fast-check (scenario-arbitrary.ts) and
 * compiled here into the simulation's peer scripts, so that what a failure prints can be read as a story.
 */

import type { CostModel, FaultPlan, PeerAction, PeerScript } from '../sim/index.ts';
import { concatBytes } from '../sim/byte-queue.ts';
import { decodeConnectResponse, encodeConnectRequest, frame, pingFrame } from '../../reference/server/frames.ts';
import type { HandlerShape } from './handler/handler-shape.ts';
import { fourLetterAnswer } from './handler/four-letter-words.ts';
import { SLOWEST_MS } from './handler/requests.ts';
import { closeSessionFrame, closeSessionReplyFrame, pingReplyFrame, replyFrame, requestBody, requestFrame, type RequestKind } from './handler/requests.ts';

export const SCENARIO_PORT = 2181;
/** A ConnectResponse frame's size (4-byte length prefix included). */
export const CONNECT_RESPONSE_BYTES = 4 + 4 + 4 + 8 + 4 + 16;

export interface ScenarioConfig {
  readonly selectors: number;
  readonly workers: number;
  readonly maxClientCnxns: number;
  readonly sessionlessTimeout: number;
  /** The other FactoryOptions; absent ones take the spec's defaults. */
  readonly cores?: number;
  readonly maxCnxns?: number;
  readonly juteMaxBuffer?: number;
  readonly globalOutstandingLimit?: number;
  readonly shutdownTimeout?: number;
}

export type PeerStep =
  /**
   * The ConnectRequest; `then`: echo requests of these sizes pipelined right behind it in the same send, by a client
   * that does not wait for its session (the factory must not read them before the ConnectResponse is queued).
   */
  | { readonly kind: 'handshake'; readonly timeout: number; readonly chunks: readonly number[]; readonly then?: readonly number[] }
  /** Pipelined requests, one per size; `kinds` (parallel to sizes) says what each asks of the handler (echo by default). */
  | { readonly kind: 'requests'; readonly sizes: readonly number[]; readonly chunks: readonly number[]; readonly kinds?: readonly RequestKind[] }
  | { readonly kind: 'ping' }
  | { readonly kind: 'closeSession' }
  /** A four-letter word as the first bytes of a connection, maybe followed by a second one (never answered). */
  | { readonly kind: 'word'; readonly word: string; readonly again: boolean }
  /** A new connection from the same address, handshaking with the session id of the last handshake reply. */
  | { readonly kind: 'reconnect'; readonly timeout: number; readonly chunks: readonly number[] }
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
  /** The conformance handler's shape; absent: answers inside the IO pass. */
  readonly handler?: HandlerShape;
}

/** The simulation's script for one peer: every request is followed by waiting for its reply. */
export function peerScript(plan: PeerPlan): PeerScript {
  const actions: PeerAction[] = [];
  let xid = 1;
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'handshake': {
        const frames = [connectFrame(step.timeout, 0n, new Uint8Array(16))];
        let expected = CONNECT_RESPONSE_BYTES;
        for (const size of step.then ?? []) {
          frames.push(requestFrame('echo', xid, size));
          expected += replyFrame('echo', xid, requestBody(xid, size))?.length ?? 0;
          xid++;
        }
        actions.push({ do: 'send', data: concatBytes(frames), chunks: step.chunks }, { do: 'expect', n: expected });
        break;
      }
      case 'reconnect':
        actions.push(
          { do: 'reconnect' },
          { do: 'send', data: (received) => reconnectFrame(step.timeout, received.at(-2)), chunks: step.chunks },
          { do: 'expect', n: CONNECT_RESPONSE_BYTES },
        );
        break;
      case 'requests': {
        const frames: Uint8Array[] = [];
        let expected = 0;
        step.sizes.forEach((size, i) => {
          const kind = step.kinds?.[i] ?? 'echo';
          frames.push(requestFrame(kind, xid, size));
          expected += replyFrame(kind, xid, requestBody(xid, size))?.length ?? 0;
          xid++;
        });
        actions.push({ do: 'send', data: concatBytes(frames), chunks: step.chunks });
        // Waiting for at least one byte also returns when the server closes (a bye with no reply, a fail).
        actions.push({ do: 'expect', n: Math.max(expected, 1) });
        break;
      }
      case 'ping':
        actions.push({ do: 'send', data: pingFrame() }, { do: 'expect', n: pingReplyFrame().length });
        break;
      case 'closeSession':
        actions.push({ do: 'send', data: closeSessionFrame(xid) }, { do: 'expect', n: closeSessionReplyFrame(xid).length });
        xid++;
        break;
      case 'word': {
        actions.push({ do: 'send', data: step.again ? step.word + step.word : step.word });
        actions.push({ do: 'expect', n: Math.max(fourLetterAnswer(step.word)?.length ?? 0, 1) });
        break;
      }
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

function connectFrame(timeOut: number, sessionId: bigint, passwd: Uint8Array): Uint8Array {
  return frame(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut, sessionId, passwd }));
}

/** The handshake of a reconnect: the session of the previous connection's ConnectResponse, or a new one if it had none. */
function reconnectFrame(timeOut: number, previous: Uint8Array | undefined): Uint8Array {
  if (previous === undefined || previous.length < CONNECT_RESPONSE_BYTES) return connectFrame(timeOut, 0n, new Uint8Array(16));
  const response = decodeConnectResponse(previous.subarray(4, CONNECT_RESPONSE_BYTES));
  return connectFrame(timeOut, response.sessionId, response.passwd);
}

/**
 * Virtual time by which every peer has played its last scripted action, counting the handler's sleeps for slow
 * requests (at most SLOWEST_MS each, one after another in the worst case).
 */
export function peersDoneAt(scenario: Scenario): number {
  const slow = scenario.peers.reduce((n, p) => n + p.steps.reduce((m, s) => m + (s.kind === 'requests' ? (s.kinds ?? []).filter((k) => k === 'slow').length : 0), 0), 0);
  return Math.max(0, ...scenario.peers.map((p) => p.at + p.steps.reduce((t, s) => t + (s.kind === 'idle' ? s.ms : 0), 0))) + slow * SLOWEST_MS;
}

/** Handshakes may ask for any timeout; the reference clamps it, so the longest a session can idle is bounded. */
export const LONGEST_SESSION_TIMEOUT = 60_000;
