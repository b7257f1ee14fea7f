/**
 * The shape of one normative requirement. Every element of the seed documents becomes one of these,
 * under a stable ID (`area.kebab-slug`) that tests name in their titles and that is never reused.
 */

export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** Areas in the order the documentation presents them. */
export const AREAS = [
  'factory',
  'boot',
  'configure',
  'nio',
  'accept',
  'selector',
  'io',
  'cnxn',
  'lifecycle',
  'expiry',
  'netty',
  'wire',
  'zk',
  'runtime',
] as const;

export type Area = (typeof AREAS)[number];

/** Where a requirement comes from: a seed article (file prefix and section), a ZooKeeper fact, or our own design. */
export type Source =
  | { readonly kind: 'seed'; readonly file: '000' | '001'; readonly section: string }
  | { readonly kind: 'zk'; readonly section: string }
  | { readonly kind: 'design'; readonly section: string };

/**
 * The names of the trace invariants (spec/invariants) a requirement is proven by. Listed here, before the
 * checkers exist, so that each requirement can say which one is meant to check it.
 */
export const INVARIANTS = [
  'register-on-owner',
  'interest-via-update-queue',
  'wakeup-after-offer',
  'expiry-on-time',
  'io-exclusive',
  'round-robin',
  'per-ip-limit',
  'accepted-ends-registered-or-closed',
  'outgoing-complete-in-order',
  'stop-ends-everything',
  'liveness-no-lost-wakeup',
  'liveness-replies-owed',
  'accept-pause-on-failure',
  'throttle-stops-reads',
  'configured-matches-given',
  'close-has-cause',
  'facts-match-observation',
  'event-loop-affinity',
  'tls-before-frames',
  'close-after-flush',
  'no-io-after-close',
  'stop-ends-promptly',
  'frames-as-sent',
  'handler-exception-contained',
  'connection-closed-once',
  'invalid-key-untouched',
  'workers-end-by-shutdown-timeout',
] as const;

export type InvariantName = (typeof INVARIANTS)[number];

/**
 * How `cnxnspec test` judges a requirement for a factory it loads, or why it cannot:
 * - simulation: invariants over the trace of the factory on the simulated runtime, under generated scenarios;
 * - wire: the same factory module on the node runtime on 127.0.0.1, driven by the suite's raw-socket peers;
 * - harness: what the harness sees of the factory as a whole (threads started, lifecycle, statistics over runs);
 * - trace: the invariants over a trace recorded elsewhere (`cnxnspec check`), for implementations the suite cannot load.
 * `not-judgeable` is allowed only with the reason the factory contract cannot show it; reports list these.
 */
export type JudgeMode = 'simulation' | 'wire' | 'harness' | 'trace';

export type Judging =
  | { readonly by: readonly JudgeMode[] }
  | { readonly by: 'not-judgeable'; readonly reason: string };

/** How each requirement is judged lives in one table, spec/judging.ts, so reports and docs read it from one place. */
export interface Requirement {
  /** `area.kebab-slug`; the area prefix equals `area`. */
  readonly id: string;
  readonly area: Area;
  readonly level: Level;
  /** One normative sentence or a few, in RFC 2119 words (MUST / SHOULD / MAY). */
  readonly statement: string;
  /** Why the design is so, in our own words. */
  readonly rationale: string;
  readonly sources: readonly Source[];
  /** Trace invariants meant to prove it (empty when only direct tests can). */
  readonly invariants: readonly InvariantName[];
  /** How the tests check it, in a phrase: simulation, real sockets, real client, unit. */
  readonly tests: string;
}

const ID_FORM = /^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** True when `id` has the `area.kebab-slug` form. */
export function isRequirementId(id: string): boolean {
  return ID_FORM.test(id);
}
