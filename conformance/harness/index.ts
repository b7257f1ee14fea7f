/** The harness's public surface: run the suite against a factory module, in-process or under the watchdog. */
export { runSuite, type SuiteOptions, type SuiteResult, type Failure, type Finding } from './run-suite.ts';
export { runConformance, CHECKED_REQUIREMENTS, type ConformanceOptions, type ConformanceResult } from './conformance-run.ts';
export { runGuardedSuite } from './guarded-suite.ts';
export { loadFactory, type LoadedFactory } from './factory-module.ts';
export { decodeSuiteToken, encodeSuiteToken, type SuiteToken } from './suite-token.ts';
export { renderFailure } from './failure-report.ts';
export { renderInterleaving } from './interleaving-table.ts';
export type { Scenario, PeerPlan, PeerStep } from './scenario.ts';
