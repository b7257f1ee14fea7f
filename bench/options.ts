/**
 * Command-line options of bench/run.ts:
 *   --quick            one repetition, shorter phases (a few minutes); the report says so
 *   --reps N           repetitions per measurement (default 3; --quick: 1)
 *   --only REGEX       only the servers whose id matches (ids: zk-nio, zk-nio-4096, zk-netty, ref-default, ref-s1-w0, ..., bare,
 *                      and over TLS zk-netty-tls, ref-netty-l2-tls, ref-netty-l4-tls: `--only tls` runs just those)
 *   --ping-seconds S   measured time of the ping phase (default 5; --quick: 2)
 *   --no-harness       skip (e), the harness's runs/s and runs to kill
 *   --no-docs          print the results, do not write docs/benchmarks.md and the charts
 *   --report-from F    measure nothing: write docs/benchmarks.md and the charts again from a results.json of a run
 */
import { parseArgs } from 'node:util';
import type { RunSettings } from './results.ts';

export interface CliOptions {
  readonly settings: RunSettings;
  readonly writeDocs: boolean;
  readonly reportFrom?: string;
}

export function parseCli(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      only: { type: 'string' },
      'ping-seconds': { type: 'string' },
      'no-harness': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      'report-from': { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const positive = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} wants a positive number, got ${text}`);
    return n;
  };
  const reps = Math.round(positive('reps', values.reps, quick ? 1 : 3));
  const pingSeconds = positive('ping-seconds', values['ping-seconds'], quick ? 2 : 5);
  const settings: RunSettings = {
    quick,
    reps,
    stormSizes: [1_000, 5_000, 10_000],
    // ZooKeeper over TLS takes about 10 s for 1,000 here, the length of its SslHandler's handshake timeout.
    tlsStormSizes: quick ? [250, 500] : [250, 500, 1_000],
    heldSessions: 5_000,
    pingConnections: 50,
    pingInFlight: 10,
    pingWarmupMs: quick ? 500 : 1_000,
    pingMeasureMs: pingSeconds * 1000,
    idleSockets: 1_000,
    // Netty never closes them: wait this long past the timeout, then count.
    idleWaitMs: quick ? 4_000 : 6_000,
    prefixSockets: 1_000,
    prefixLength: 1_048_000,
    prefixHoldMs: 1_500,
    sessionlessMs: 2_000,
    harness: values['no-harness']
      ? undefined
      : quick
        ? { reps: 1, seconds: 3, cap: 500, killSeconds: 5 }
        : { reps: 3, seconds: 8, cap: 2_000, killSeconds: 20 },
    ...(values.only !== undefined ? { only: new RegExp(values.only) } : {}),
  };
  return { settings, writeDocs: values['no-docs'] !== true, ...(values['report-from'] !== undefined ? { reportFrom: values['report-from'] } : {}) };
}
