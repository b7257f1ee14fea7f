/**
 * Request frames written byte by byte for differential tests, well formed or deliberately not: the same bytes go
 * to Apache ZooKeeper and to the reference. Ids are [permissions, scheme, id]; an id given as bytes is written as
 * a raw buffer (to send one that is not valid UTF-8).
 */
import { requestFrame } from '../../reference/zk/test-support.ts';
import type { JuteWriter } from '../../reference/zk/jute-writer.ts';
import { OpCode, Xid } from '../../reference/zk/op-codes.ts';

export type AclEntry = readonly [number, string, string | Uint8Array];

export const OPEN: readonly AclEntry[] = [[31, 'world', 'anyone']];

function writeAcl(w: JuteWriter, entries: readonly AclEntry[]): void {
  w.int(entries.length);
  for (const [perms, scheme, id] of entries) {
    w.int(perms).ustring(scheme);
    if (typeof id === 'string') w.ustring(id);
    else w.buffer(id);
  }
}

export const req = {
  ping: (xid: number = Xid.ping) => requestFrame(xid, OpCode.ping),
  create: (xid: number, path: string | null, acl: readonly AclEntry[] = OPEN, flags = 0) =>
    requestFrame(xid, OpCode.create, (w) => {
      w.ustring(path).buffer(null);
      writeAcl(w, acl);
      w.int(flags);
    }),
  /** A create whose ACL vector count is `count`, with no entries after it. */
  createWithAclCount: (xid: number, path: string, count: number) => requestFrame(xid, OpCode.create, (w) => void w.ustring(path).buffer(null).int(count).int(0)),
  delete: (xid: number, path: string | null, version = -1) => requestFrame(xid, OpCode.delete, (w) => void w.ustring(path).int(version)),
  read: (xid: number, type: number, path: string | null) => requestFrame(xid, type, (w) => void w.ustring(path).bool(false)),
  getAcl: (xid: number, path: string | null) => requestFrame(xid, OpCode.getACL, (w) => void w.ustring(path)),
  setData: (xid: number, path: string | null) => requestFrame(xid, OpCode.setData, (w) => void w.ustring(path).buffer(null).int(-1)),
  setAcl: (xid: number, path: string | null, acl: readonly AclEntry[]) =>
    requestFrame(xid, OpCode.setACL, (w) => {
      w.ustring(path);
      writeAcl(w, acl);
      w.int(-1);
    }),
  auth: (scheme: string, auth: Uint8Array | null, xid: number = Xid.auth) => requestFrame(xid, OpCode.auth, (w) => void w.int(0).ustring(scheme).buffer(auth)),
  closeSession: (xid: number) => requestFrame(xid, OpCode.closeSession),
  /** Any op code with an optional body. */
  op: (xid: number, type: number, body?: (w: JuteWriter) => void) => requestFrame(xid, type, body),
} as const;
