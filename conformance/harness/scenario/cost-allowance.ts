/**
 * How much longer than its free-IO timeline a scenario may take when reads, writes and handler calls cost
 * virtual time, or the handler works before each ConnectResponse: the peers wait for replies that come later, so
 * they finish later, and the factory needs longer to settle. A bound, generous on purpose (liveness is judged after it, so too short a bound would report a
 * slow pass as a lost reply): every call the scenario can cause, at the costliest call's price.
 */

import type { CostModel } from '../../sim/index.ts';
import type { PeerPlan, PeerStep, Scenario } from '../scenario.ts';

/** Reads and writes one peer step can cause at most, counting a read that finds nothing and a partial write. */
function callsOf(step: PeerStep): number {
  if (step.kind === 'requests') return 4 * step.sizes.length + step.chunks.length + 4;
  if (step.kind === 'handshake') return 4 * (step.then?.length ?? 0) + step.chunks.length + 6;
  return 4;
}

/** Bytes the server may send for one peer step, generously: a four-letter word's answer is at most a few KB. */
function bytesOutOf(step: PeerStep): number {
  if (step.kind === 'handshake') return 40 + (step.then ?? []).reduce((n, size) => n + 16 + size, 0);
  if (step.kind === 'reconnect') return 40;
  if (step.kind === 'requests') return step.sizes.reduce((n, size) => n + 16 + size, 0);
  if (step.kind === 'ping' || step.kind === 'closeSession') return 16;
  if (step.kind === 'word') return 4_096;
  return 0;
}

/** Writes a peer's small receive window forces: each takes at most what the window lets through. */
function windowWrites(peer: PeerPlan): number {
  const window = Math.max(1, Math.min(peer.receiveWindow, ...peer.steps.flatMap((s) => (s.kind === 'window' ? [s.size] : []))));
  return Math.ceil(peer.steps.reduce((n, s) => n + bytesOutOf(s), 0) / window);
}

/** Costed handler calls (processConnectRequest, processPacket) one peer step causes: a closeSession and a reconnect are one each too. */
function handlerCallsOf(step: PeerStep): number {
  if (step.kind === 'requests') return step.sizes.length;
  if (step.kind === 'handshake') return 1 + (step.then?.length ?? 0);
  if (step.kind === 'reconnect' || step.kind === 'ping' || step.kind === 'closeSession') return 1;
  return 0;
}

function costliest(costs: CostModel): number {
  const all = [costs.readMs ?? 0, costs.writeMs ?? 0, ...Object.values(costs.channels ?? {}).flatMap((c) => [c.readMs ?? 0, c.writeMs ?? 0])];
  return Math.max(0, ...all);
}

/** The virtual time reads, writes and handler calls can add, by the scenario's cost model. */
function ioAllowance(scenario: Scenario): number {
  const costs = scenario.costs;
  if (!costs) return 0;
  const steps = scenario.peers.flatMap((p) => p.steps);
  const calls = steps.reduce((n, s) => n + callsOf(s), 0) + scenario.peers.reduce((n, p) => n + windowWrites(p), 0);
  const handlerCalls = steps.reduce((n, s) => n + handlerCallsOf(s), 0);
  return calls * costliest(costs) + handlerCalls * (costs.handlerMs ?? 0);
}

/** The handler's work between setSession and each ConnectResponse (HandlerShape.sessionWorkMs), one per handshake. */
function sessionWork(scenario: Scenario): number {
  const ms = scenario.handler?.sessionWorkMs ?? 0;
  return ms === 0 ? 0 : ms * scenario.peers.flatMap((p) => p.steps).filter((s) => s.kind === 'handshake' || s.kind === 'reconnect').length;
}

export function costAllowance(scenario: Scenario): number {
  return ioAllowance(scenario) + sessionWork(scenario);
}

/**
 * With 0 workers the selector thread runs each IO pass itself, so a key a select reported waits for the costed
 * passes of the keys before it, and the factory touches it only then (at handleIO); the trace's activity (the
 * select) is older than the factory's. Expiry is judged with that much slack in those scenarios only.
 */
export function inlineIoSlack(scenario: Scenario): number {
  return scenario.config.workers === 0 ? ioAllowance(scenario) : 0;
}
