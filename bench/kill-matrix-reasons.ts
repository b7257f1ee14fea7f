/**
 * Why a strategy misses a mutant, where the reason is known and is not the budget: keyed by mutant name, then by
 * strategy code (`r`, `p2`, `p3`, `o`; `*` for every strategy). The kill matrix prints these beside the cells; a
 * miss with no entry here is reported from the mutant's header, spec/judging.ts, or as "missed in N runs".
 */
export const MISS_REASONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'netty-no-tls-stage': {
    '*':
      'the search cannot: no generated scenario configures the secure port, so no run has a TLS handshake for ' +
      'tls-before-frames to judge, and the wire probe serves the plain port only; reference/netty/netty-mutants.test.ts ' +
      'rejects it with a TLS scenario of its own',
  },
  'netty-per-ip-off-by-one': {
    '*':
      'the search cannot under the netty profile: the per-ip-limit invariant names accept.per-ip-limit, which that ' +
      'profile does not judge (the wire probe maps its finding onto netty.per-ip-limit; the search does not)',
  },
};
