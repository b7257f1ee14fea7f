/**
 * A peer that reconnects: it talks on one connection, maybe idles (past the connection's expiry sometimes),
 * then opens a new connection from the same address with the session id and password of its handshake reply,
 * leaving the old connection open. The handler moves the session and closes the old connection
 * (client_reconnect); a session ended by closeSession is refused instead (timeout 0, then a close).
 */
import fc from 'fast-check';
import type { PeerStep } from '../scenario.ts';
import { chunks, ending, handshake, middleStep } from './requests.ts';

export const reconnecting: fc.Arbitrary<readonly PeerStep[]> = fc
  .tuple(
    handshake,
    fc.array(middleStep, { maxLength: 2 }),
    fc.integer({ min: 1, max: 120_000 }),
    chunks,
    fc.array(middleStep, { maxLength: 2 }),
    ending,
  )
  .map(([first, before, timeout, c, after, end]) => [first, ...before, { kind: 'reconnect' as const, timeout, chunks: c }, ...after, ...end]);
