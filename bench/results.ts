/** What a benchmark run records: per server and repetition, every phase's raw figures; plus the machine. */
import type { HarnessResult } from './harness-bench.ts';
import type { IdleCloseResult, PrefixOnlyResult } from './load/idle.ts';
import type { TcpCounters } from './load/kernel-counters.ts';
import type { PingResult } from './load/pings.ts';
import type { ServerSpec } from './servers/catalog.ts';

export interface StormSample {
  readonly clients: number;
  readonly ms: number;
  readonly established: number;
  readonly failures: Record<string, number>;
  /** CPU time the server used from the first connect until the last ConnectResponse (all its threads). */
  readonly serverCpuMs?: number;
  /** The kernel's accept-queue overflows, SYN cookies and SYN retransmits meanwhile (whole machine). */
  readonly tcp?: TcpCounters;
  /** Over TLS: from the first connect call until the last client's TLS handshake was done. */
  readonly readyMs?: number;
}

export interface HeldSample {
  readonly sessions: number;
  readonly established: number;
  readonly rssKiB: number;
  /** Live heap after a full GC with the sessions held, and before them (KiB): see RunningServer.liveHeapKiB. */
  readonly liveHeapKiB?: number;
  readonly liveHeapFreshKiB?: number;
  /**
   * As many sessions again opened on top of those held: how many of them were established and the RSS with all
   * held. What they add is the cost of a further session, without what the first ones paid once (V8's young
   * generation growing to its cap, a heap's first pages).
   */
  readonly more?: { readonly established: number; readonly rssKiB: number };
}

export interface ServerRep {
  readonly rep: number;
  readonly startMs: number;
  /** The machine's 1-minute load average when this repetition began (others share the cores). */
  loadAvg1?: number;
  handler?: string;
  rssFreshKiB?: number;
  held?: HeldSample;
  readonly storms: StormSample[];
  pings?: PingResult;
  rssWarmKiB?: number;
  idle?: IdleCloseResult;
  prefix?: PrefixOnlyResult;
  readonly errors: string[];
  /** A server over TLS: the protocol and suite its first session negotiated (`TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256`). */
  tlsNegotiated?: string;
}

export interface ServerResult {
  readonly spec: ServerSpec;
  readonly reps: ServerRep[];
  /** Why the server was not measured at all (e.g. ZooKeeper not installable). */
  skipped?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly java?: string;
  readonly zookeeper?: string;
  readonly ulimitSoft: string;
  readonly ulimitHard: string;
  readonly somaxconn?: string;
  readonly synBacklog?: string;
  readonly loadStart: readonly number[];
  loadEnd?: readonly number[];
}

export interface RunSettings {
  readonly quick: boolean;
  readonly reps: number;
  readonly stormSizes: readonly number[];
  /** Storm sizes for the servers over TLS (a full handshake per client costs both sides far more than a connect). */
  readonly tlsStormSizes?: readonly number[];
  readonly heldSessions: number;
  readonly pingConnections: number;
  readonly pingInFlight: number;
  readonly pingWarmupMs: number;
  readonly pingMeasureMs: number;
  readonly idleSockets: number;
  readonly idleWaitMs: number;
  readonly prefixSockets: number;
  readonly prefixLength: number;
  readonly prefixHoldMs: number;
  readonly sessionlessMs: number;
  readonly harness: { readonly reps: number; readonly seconds: number; readonly cap: number; readonly killSeconds: number } | undefined;
  /** Only servers whose id matches. */
  readonly only?: RegExp;
}

export interface RunResult {
  readonly settings: RunSettings;
  readonly machine: Machine;
  readonly servers: ServerResult[];
  harness?: HarnessResult;
  harnessError?: string;
  zookeeperSkipped?: string;
  handlerNote?: string;
  readonly startedAt: string;
  durationMs?: number;
  readonly notes: string[];
}
