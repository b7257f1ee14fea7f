/**
 * What a run ends with, and how a stuck run is judged.
 *
 * Stuck = nothing runnable and no deadline ahead (no sleep, select timeout or peer action due). Then:
 * - deadlock: some logical thread is blocked forever while work is pending: a queue holds items (nobody waits
 *   on it, or they would be runnable), a peer or test body awaits bytes, a connection waits in a backlog, or an
 *   accepted connection has unread bytes;
 * - quiescent: otherwise (the blocked threads, listed in `blocked`, wait for work that is not there).
 */

import type { TraceEvent } from '../../spec/trace/events.ts';
import type { SimContext } from './context.ts';

export type OutcomeStatus = 'done' | 'quiescent' | 'deadlock' | 'step-bound' | 'time-bound' | 'error';

export interface BlockedActor {
  readonly thread: string;
  readonly on: string;
}

export interface Outcome {
  /** `done`: main ended or `until` held. */
  readonly status: OutcomeStatus;
  /** Scheduling decisions taken by the simulation so far. */
  readonly steps: number;
  readonly virtualTime: number;
  readonly trace: readonly TraceEvent[];
  /** Replays the whole simulation: `createSimulation({ token })` with the same scenario. */
  readonly token: string;
  /** The index picked at each step; as a random walk's choices they replay the same schedule. */
  readonly choices: readonly number[];
  /** Threads and peers waiting when the run ended. */
  readonly blocked: readonly BlockedActor[];
  /** Work that was waiting (see above), when the run ended stuck. */
  readonly pending: readonly string[];
  readonly error?: unknown;
  /** Whether `error` is what main threw or the simulation's own failure (CNXNSPEC_ERR_SIM). */
  readonly errorSource?: 'main' | 'simulation';
}

export function pendingWork(ctx: SimContext): string[] {
  const out: string[] = [];
  for (const q of ctx.queues) if (q.size() > 0) out.push(`queue ${q.name} holds ${q.size()} item(s)`);
  for (const { ss, pending } of ctx.network.backlogs()) out.push(`${ss} has ${pending} connection(s) waiting to be accepted`);
  for (const conn of ctx.network.connections) {
    if (conn.awaiting > 0 && !conn.peerAtEnd()) out.push(`${conn.peer} awaits ${conn.awaiting} byte(s) on ${conn.ch}`);
    if (conn.accepted && !conn.serverClosed && conn.toServer.length > 0) out.push(`${conn.ch} has ${conn.toServer.length} unread byte(s)`);
  }
  return out;
}

export function classifyStuck(blockedThreads: number, pending: readonly string[]): 'deadlock' | 'quiescent' {
  return blockedThreads > 0 && pending.length > 0 ? 'deadlock' : 'quiescent';
}

export function describeOutcome(o: Outcome): string {
  const parts = [`${o.status} after ${o.steps} steps at t=${o.virtualTime}`];
  if (o.error !== undefined) parts.push(`error: ${o.error instanceof Error ? o.error.message : String(o.error)}`);
  if (o.blocked.length > 0) parts.push(`blocked: ${o.blocked.map((b) => `${b.thread} (${b.on})`).join(', ')}`);
  if (o.pending.length > 0) parts.push(`pending: ${o.pending.join('; ')}`);
  parts.push(`replay: ${o.token}`);
  return parts.join('; ');
}
