/**
 * Operations a standalone ZooKeeper 3.8 knows but refuses, answered as it answers them, with the connection kept
 * (an unknown op code, by contrast, is answered UNIMPLEMENTED and closes the connection):
 * Each body is decoded first, as ZooKeeper decodes it, so an undecodable one is MARSHALLINGERROR (-5).
 * - reconfig (16): RECONFIGDISABLED (-123), since dynamic reconfiguration is off in standalone mode, with a zxid
 *   used up as ZooKeeper's transaction stage uses one;
 * - deleteContainer (20) from a client: BADARGUMENTS, a zxid used up;
 * - sasl (102) without SASL configured: an empty (null) token;
 * - createSession (-10) sent as a request: MARSHALLINGERROR (-5), it is only valid between servers;
 * - check (13) on its own, outside a multi: ZooKeeper runs it as a transaction (a zxid used up) and, when the node
 *   exists with that version (or -1) and may be read, sends no reply at all and goes on serving; when the check
 *   fails it answers the failure (NONODE, NOAUTH, BADVERSION, BADARGUMENTS), as the check of a multi would fail.
 *
 * Implements: zk.bad-request (known but refused operations).
 */
import { Err, KeeperError, type ErrCode } from './error-codes.ts';
import { malformed } from './jute-error.ts';
import type { JuteReader } from './jute-reader.ts';
import { Perms } from './acl.ts';
import { needs, type OpHandler } from './request-ops.ts';
import { PathVersionRequestCodec } from './request-records.ts';

/**
 * An operation whose body is decoded (MARSHALLINGERROR if it cannot be), then refused with `code`, connection
 * kept. `write`: ZooKeeper refuses it in its transaction stage, so the refusal uses up a zxid.
 */
function refusedWith(code: ErrCode, decode: (r: JuteReader) => unknown, write = false): OpHandler {
  return {
    write,
    run(_ctx, r) {
      decode(r);
      throw new KeeperError(code);
    },
  };
}

/** ReconfigRequest{joiningServers, leavingServers, newMembers, curConfigId}. */
export const reconfigDisabled = refusedWith(Err.RECONFIGDISABLED, (r) => [r.ustring(), r.ustring(), r.ustring(), r.long()], true);
/**
 * deleteContainer (20) is the container manager's own request; ZooKeeper 3.8 answers a client's BADARGUMENTS in
 * its transaction stage (a zxid used up) and deletes nothing, whatever the body.
 */
export const clientDeleteContainer = refusedWith(Err.BADARGUMENTS, () => undefined, true);
export const createSessionRequest: OpHandler = {
  write: false,
  run() {
    throw malformed('createSession is an operation between servers, not a client request');
  },
};

/**
 * CheckVersionRequest{path, version}: an undecodable one is answered MARSHALLINGERROR; a failing one its error;
 * a passing one nothing (measured on 3.8.0 by the op-sequence fuzz, conformance/zookeeper/op-sequence-diff.ts).
 */
export const lonelyCheck: OpHandler = {
  write: true,
  run(ctx, r) {
    const { path, version } = PathVersionRequestCodec.read(r);
    ctx.tree.check(path, version, needs(ctx, Perms.READ, path));
    return { noReply: true };
  },
};
