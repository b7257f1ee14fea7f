/**
 * What a connected peer does between its handshake and its end: pipelined requests of every kind the handler
 * knows (mostly echoes; slow ones that take the handler's thread virtual time; ones that make processPacket
 * throw; ones after which the handler closes, at once or after flush, with or without a reply pending), pings,
 * closeSession, idling (past expiry sometimes) and a shrinking receive window; and the handshake itself, which a
 * client may follow with requests before its response arrives.
 */
import fc from 'fast-check';
import type { RequestKind } from '../handler/requests.ts';
import type { PeerStep } from '../scenario.ts';

export const chunks = fc.array(fc.integer({ min: 1, max: 24 }), { maxLength: 3 });

const requestKind: fc.Arbitrary<RequestKind> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('echo' as const) },
  { weight: 3, arbitrary: fc.constant('slow' as const) },
  { weight: 1, arbitrary: fc.constantFrom('fail' as const, 'bye' as const) },
  // Kicks close through the connection or through the factory's closeSession (conformance-handler.ts): two paths.
  { weight: 1, arbitrary: fc.constant('kick' as const) },
);

const requests: fc.Arbitrary<PeerStep> = fc
  .record({
    sizes: fc.array(fc.integer({ min: 0, max: 48 }), { minLength: 1, maxLength: 4 }),
    kinds: fc.array(requestKind, { minLength: 4, maxLength: 4 }),
    chunks,
  })
  .map(({ sizes, kinds, chunks: c }) => {
    const used = kinds.slice(0, sizes.length);
    // All-echo batches carry no kinds, so the common case reads (and replays) as before.
    return used.every((k) => k === 'echo') ? { kind: 'requests' as const, sizes, chunks: c } : { kind: 'requests' as const, sizes, chunks: c, kinds: used };
  });

export const middleStep: fc.Arbitrary<PeerStep> = fc.oneof(
  { weight: 4, arbitrary: requests },
  { weight: 2, arbitrary: fc.constant({ kind: 'ping' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('idle' as const), ms: fc.integer({ min: 1, max: 15_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('window' as const), size: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'closeSession' as const }) },
);

export const ending: fc.Arbitrary<readonly PeerStep[]> = fc.oneof(
  { weight: 4, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.constant([{ kind: 'halfClose' as const }]) },
  { weight: 1, arbitrary: fc.constant([{ kind: 'reset' as const }]) },
  { weight: 1, arbitrary: fc.constant([{ kind: 'close' as const }]) },
);

/** Mostly a ConnectRequest alone; sometimes with echo requests pipelined behind it, before its response. */
export const handshake = fc
  .tuple(
    fc.integer({ min: 1, max: 120_000 }),
    chunks,
    // Rare, and shrunk away first: a run that fails for another reason shrinks as quickly as without them.
    fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 48 }), { minLength: 1, maxLength: 3 }) }),
  )
  .map(([timeout, c, then]): PeerStep => (then === undefined ? { kind: 'handshake', timeout, chunks: c } : { kind: 'handshake', timeout, chunks: c, then }));
