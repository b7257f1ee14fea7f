/**
 * A peer whose connection opens with a four-letter word: one the handler answers (ruok, isro, srvr: the answer,
 * then a close) or one it declines (read as a frame length, which fails the length check). Sometimes the peer
 * sends a second word behind the first, which must not be answered: the factory reads nothing after a word.
 */
import fc from 'fast-check';
import type { PeerStep } from '../scenario.ts';

export const fourLetterPeer: fc.Arbitrary<readonly PeerStep[]> = fc
  .record({ word: fc.constantFrom('ruok', 'ruok', 'isro', 'srvr', 'dump'), again: fc.boolean() })
  .map(({ word, again }) => [{ kind: 'word' as const, word, again }]);
