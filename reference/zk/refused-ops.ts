/**
 * Operations a standalone ZooKeeper 3.8 knows but refuses, answered as it answers them, with the connection kept
 * (an unknown op code, by contrast, is answered UNIMPLEMENTED and closes the connection):
 * - reconfig (16): RECONFIGDISABLED (-123), since dynamic reconfiguration is off in standalone mode;
 * - createSession (-10) sent as a request: MARSHALLINGERROR (-5), it is only valid between servers;
 * - createTTL (21) while extended types are off: UNIMPLEMENTED (-6);
 * - check (13) on its own, outside a multi: ZooKeeper sends no reply at all and goes on serving.
 *
 * Implements: zk.bad-request (known but refused operations).
 */
import { Err, KeeperError, type ErrCode } from './error-codes.ts';
import { malformed } from './jute-error.ts';
import type { OpHandler } from './request-ops.ts';

/** An operation that always fails with `code`, as a KeeperError (so the connection stays). */
function refusedWith(code: ErrCode): OpHandler {
  return {
    write: false,
    run() {
      throw new KeeperError(code);
    },
  };
}

export const reconfigDisabled = refusedWith(Err.RECONFIGDISABLED);
export const extendedTypesDisabled = refusedWith(Err.UNIMPLEMENTED);

export const createSessionRequest: OpHandler = {
  write: false,
  run() {
    throw malformed('createSession is an operation between servers, not a client request');
  },
};

export const lonelyCheck: OpHandler = {
  write: false,
  run: () => ({ noReply: true }),
};
