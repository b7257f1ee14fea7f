/**
 * Which op codes the server answers with which handler. Anything not listed here (and not handled by the server
 * itself: ping, closeSession, auth) is unimplemented: ZooKeeper replies UNIMPLEMENTED (-6) and closes the
 * connection. That includes `notification` sent as a top-level request, as in ZooKeeper; refused-ops.ts answers
 * the ones ZooKeeper knows but refuses.
 */
import type { Logger } from '../../spec/runtime.ts';
import { multi } from './multi-op.ts';
import { OpCode } from './op-codes.ts';
import { create, DATA_OPS, type OpHandler } from './request-ops.ts';
import { clientDeleteContainer, createSessionRequest, lonelyCheck, reconfigDisabled } from './refused-ops.ts';
import { multiRead } from './multi-read-op.ts';
import { addWatch, checkWatches, removeWatches } from './watch-ops.ts';
import { setWatchesOp } from './set-watches-op.ts';
import { getAllChildrenNumber } from './all-children-number-op.ts';
import { getEphemerals } from './get-ephemerals-op.ts';
import { whoAmI } from './whoami-op.ts';
import { saslWithoutSasl } from './sasl-op.ts';

export function opTable(log: Logger): ReadonlyMap<number, OpHandler> {
  return new Map<number, OpHandler>([
    [OpCode.create, DATA_OPS.create],
    [OpCode.create2, DATA_OPS.create2],
    [OpCode.delete, DATA_OPS.delete],
    [OpCode.exists, DATA_OPS.exists],
    [OpCode.getData, DATA_OPS.getData],
    [OpCode.setData, DATA_OPS.setData],
    [OpCode.getACL, DATA_OPS.getAcl],
    [OpCode.setACL, DATA_OPS.setAcl],
    [OpCode.getChildren, DATA_OPS.getChildren],
    [OpCode.getChildren2, DATA_OPS.getChildren2],
    [OpCode.sync, DATA_OPS.sync],
    [OpCode.multi, multi],
    [OpCode.setWatches, setWatchesOp(false)],
    [OpCode.setWatches2, setWatchesOp(true)],
    [OpCode.check, lonelyCheck],
    [OpCode.reconfig, reconfigDisabled],
    [OpCode.createSession, createSessionRequest],
    [OpCode.createContainer, create(true, OpCode.createContainer)],
    [OpCode.createTTL, create(true, OpCode.createTTL)],
    [OpCode.deleteContainer, clientDeleteContainer],
    [OpCode.multiRead, multiRead],
    [OpCode.addWatch, addWatch],
    [OpCode.removeWatches, removeWatches],
    [OpCode.checkWatches, checkWatches],
    [OpCode.sasl, saslWithoutSasl],
    [OpCode.getEphemerals, getEphemerals],
    [OpCode.getAllChildrenNumber, getAllChildrenNumber],
    [OpCode.whoAmI, whoAmI],
  ]);
}
