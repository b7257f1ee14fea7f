/**
 * The wire checks as a library: `runWireChecks(target, options)` runs each check against a server that speaks
 * the ZooKeeper client protocol and returns, per check, what it saw, and per requirement ID the verdict. It
 * has no command-line concerns, so `cnxnspec probe` and the conformance suite (a loaded factory on real
 * sockets) use it alike. Checks run one after another, each bounded in time and connections.
 */

import { CnxnspecError } from '../../spec/errors.ts';
import type { JudgedRequirement } from '../trace/verdict-report.ts';
import { connectionStorm } from './checks/connection-storm.ts';
import { fourLetterWords } from './checks/four-letter-words.ts';
import { handshake } from './checks/handshake.ts';
import { juteMaxBuffer } from './checks/jute-maxbuffer.ts';
import { negativeLength } from './checks/negative-length.ts';
import { oversizedLength } from './checks/oversized-length.ts';
import { partialFrame } from './checks/partial-frame.ts';
import { perIpLimit } from './checks/per-ip-limit.ts';
import { ping } from './checks/ping.ts';
import { pipelinedOrder } from './checks/pipelined-order.ts';
import { sessionlessTimeout } from './checks/sessionless-timeout.ts';
import { slowReader } from './checks/slow-reader.ts';
import type { WireTarget } from './target.ts';
import { DEFAULT_WIRE_OPTIONS, type CheckOutcome, type WireCheck, type WireOptions } from './wire-check.ts';
import { WireConnection } from './wire-connection.ts';

export const WIRE_CHECKS: readonly WireCheck[] = [
  handshake,
  ping,
  pipelinedOrder,
  negativeLength,
  oversizedLength,
  juteMaxBuffer,
  partialFrame,
  slowReader,
  connectionStorm,
  fourLetterWords,
  perIpLimit,
  sessionlessTimeout,
];

export interface CheckResult {
  readonly check: WireCheck;
  readonly outcome: CheckOutcome;
  readonly ms: number;
}

export interface WireResult {
  readonly checks: readonly CheckResult[];
  /** Every requirement some check judges; the rest are not judged on the wire. */
  readonly requirements: readonly JudgedRequirement[];
  readonly ok: boolean;
  readonly durationMs: number;
}

export interface RunWireOptions extends Partial<WireOptions> {
  /** Only checks whose name matches. */
  readonly only?: RegExp;
  readonly onCheck?: (result: CheckResult) => void;
}

/** Requirement verdicts from check outcomes: fail if any check failed, pass if one passed, else not judged. */
export function requirementVerdicts(results: readonly CheckResult[]): JudgedRequirement[] {
  const ids = [...new Set(results.flatMap((r) => r.check.requirements))];
  return ids.map((id) => {
    const mine = results.filter((r) => r.check.requirements.includes(id));
    const failed = mine.find((r) => r.outcome.status === 'fail');
    if (failed) return { id, status: 'fail', evidence: { source: `wire:${failed.check.name}`, message: failed.outcome.detail, events: [] } };
    if (mine.some((r) => r.outcome.status === 'pass')) return { id, status: 'pass' };
    return { id, status: 'not-judged', reason: mine.map((r) => `${r.check.name}: ${r.outcome.detail}`).join('; ') };
  });
}

export async function runWireChecks(target: WireTarget, options: RunWireOptions = {}): Promise<WireResult> {
  const settings: WireOptions = { ...DEFAULT_WIRE_OPTIONS, ...options };
  const started = performance.now();
  const reachable = await WireConnection.open(target, settings.stepTimeoutMs).catch((err: Error) => err);
  if (reachable instanceof Error) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `nothing answers at ${target.host}:${target.port} (${reachable.message}); start the server first, or check the address`);
  }
  reachable.close();
  const checks: CheckResult[] = [];
  for (const check of WIRE_CHECKS) {
    if (options.only && !options.only.test(check.name)) continue;
    const t0 = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = await check.run(target, settings);
    } catch (err) {
      outcome = { status: 'fail', detail: `the check could not complete: ${(err as Error).message}` };
    }
    const result = { check, outcome, ms: performance.now() - t0 };
    checks.push(result);
    options.onCheck?.(result);
  }
  const requirements = requirementVerdicts(checks);
  return { checks, requirements, ok: requirements.every((r) => r.status !== 'fail'), durationMs: performance.now() - started };
}
