/**
 * The shape of one wire check: a name, the requirements it judges, and a run that either judges them (pass or
 * fail with what was seen) or says why it could not (a flag the user did not give, a server that is not up).
 * Checks know nothing of the command line; `runWireChecks` runs them and `cnxnspec probe` prints them.
 */

import type { WireTarget } from './target.ts';

export interface WireOptions {
  /** Per-step timeout in ms (default 5,000). */
  readonly stepTimeoutMs: number;
  /** Clients in the connection storm (default 200). */
  readonly stormClients: number;
  /** Requests the slow reader pipelines (default 5,000). */
  readonly slowReaderRequests: number;
  /** Requests pipelined in the order check (default 500). */
  readonly pipelined: number;
  /** The server's jute.maxbuffer in bytes (default ZooKeeper's 1,048,575 = 0xfffff). */
  readonly juteMaxBuffer: number;
  /** The server's maxClientCnxns, if the user gives it; the per-IP check runs only then. */
  readonly maxClientCnxns?: number;
  /** The server's sessionless connection timeout in ms, if the user gives it; that check runs only then. */
  readonly sessionlessTimeoutMs?: number;
}

export const DEFAULT_WIRE_OPTIONS: WireOptions = {
  stepTimeoutMs: 5_000,
  stormClients: 200,
  slowReaderRequests: 5_000,
  pipelined: 500,
  juteMaxBuffer: 0xfffff,
};

export type CheckStatus = 'pass' | 'fail' | 'not-judged';

export interface CheckOutcome {
  readonly status: CheckStatus;
  /** What was seen (pass or fail), or why it was not judged. */
  readonly detail: string;
}

export interface WireCheck {
  readonly name: string;
  readonly requirements: readonly string[];
  /** One line: what the check does. */
  readonly description: string;
  run(target: WireTarget, options: WireOptions): Promise<CheckOutcome>;
}

export const pass = (detail: string): CheckOutcome => ({ status: 'pass', detail });
export const fail = (detail: string): CheckOutcome => ({ status: 'fail', detail });
export const notJudged = (detail: string): CheckOutcome => ({ status: 'not-judged', detail });

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
