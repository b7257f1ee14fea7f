/** The simulated host runtime: deterministic scheduling, virtual time, scripted peers, faults, replay tokens. */

export { createSimulation, DEFAULT_MAX_STEPS, DEFAULT_MAX_VIRTUAL_TIME } from './simulation.ts';
export type { RunOptions, Simulation, SimulationOptions } from './simulation.ts';
export type { BlockedActor, Outcome, OutcomeStatus } from './outcome.ts';
export { describeOutcome } from './outcome.ts';
export type { SchedulingStrategy, StrategyToken } from './strategy.ts';
export { randomWalk, randomWalkFromSeed } from './random-walk.ts';
export { DEFAULT_PCT_EXPECTED_STEPS, pct, pctFromSeed, pctParamsFromChoices } from './pct.ts';
export type { PctParams } from './pct.ts';
export { pos, posFromSeed, POS_PRIORITY_RANGE } from './pos.ts';
export { decodeReplayToken, encodeReplayToken } from './replay-token.ts';
export type { ReplayToken, StrategyCode } from './replay-token.ts';
export { createPrng, STREAM } from './prng.ts';
export type { Prng } from './prng.ts';
export { SimFaults } from './faults.ts';
export type { FaultPlan } from './faults.ts';
export { SimCosts } from './costs.ts';
export type { CostModel, IoCosts } from './costs.ts';
export type { SimNetwork } from './network.ts';
export type { LateBytes, PeerAction, PeerConnection, PeerScript, PeerStatus, SimPeer } from './peer.ts';
export { DEFAULT_BACKLOG, DEFAULT_PEER_IP, DEFAULT_RECEIVE_WINDOW } from './net-defaults.ts';
export { traceToJsonl } from './trace-recorder.ts';
export { simHarness } from './harness.ts';
