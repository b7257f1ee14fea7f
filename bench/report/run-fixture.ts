/** Test support for the report's unit tests: a small run's results around the servers a test gives. */
import type { RunResult, RunSettings, ServerResult } from '../results.ts';

export function runOf(servers: ServerResult[], settings: Partial<RunSettings> = {}, load: readonly [number, number, number][] = [[3, 2, 1], [4, 3, 2]]): RunResult {
  return {
    settings: {
      quick: true,
      reps: 1,
      stormSizes: [1_000],
      tlsStormSizes: [1_000],
      heldSessions: 10,
      pingConnections: 50,
      pingInFlight: 10,
      pingWarmupMs: 500,
      pingMeasureMs: 2_000,
      idleSockets: 10,
      idleWaitMs: 10,
      prefixSockets: 10,
      prefixLength: 10,
      prefixHoldMs: 10,
      sessionlessMs: 2_000,
      harness: undefined,
      only: undefined,
      ...settings,
    },
    machine: { cpu: 'x', cores: 2, memoryGiB: 1, kernel: 'k', node: 'v20', ulimitSoft: '1', ulimitHard: '1', loadStart: [...load[0]!], loadEnd: [...load[1]!] },
    servers,
    startedAt: '2026-11-29T22:00:00.000Z',
    notes: [],
  };
}
