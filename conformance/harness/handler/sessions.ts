/**
 * The conformance handler's sessions: ids handed out at the first handshake, and which connection holds each.
 * A reconnect with a known id and its password moves the session to the new connection; the old one must then
 * be closed (ZooKeeper closes it with client_reconnect), since two connections never share a session.
 */
import type { ServerConnection } from '../../../spec/server-cnxn-factory.ts';
import { passwordFor } from '../../../reference/server/echo-handler.ts';

/** Like a standalone ZooKeeper's, the server id (1) sits in the top byte. */
const FIRST_SESSION_ID = (1n << 56n) + 1n;

export type Reopen =
  | { readonly ok: true; readonly previous: ServerConnection | undefined }
  | { readonly ok: false };

export class SessionTable {
  private next = FIRST_SESSION_ID;
  private readonly holders = new Map<bigint, ServerConnection | undefined>();

  /** A fresh session held by `cnxn`. */
  create(cnxn: ServerConnection): bigint {
    const id = this.next++;
    this.holders.set(id, cnxn);
    return id;
  }

  /** Moves a known session (right password) to `cnxn`; returns the connection that held it, if another one. */
  reopen(id: bigint, passwd: Uint8Array, cnxn: ServerConnection): Reopen {
    if (!this.holders.has(id) || !sameBytes(passwd, passwordFor(id))) return { ok: false };
    const previous = this.holders.get(id);
    this.holders.set(id, cnxn);
    return { ok: true, previous: previous === cnxn ? undefined : previous };
  }

  /** The connection holding session `id` now, if any. */
  holder(id: bigint): ServerConnection | undefined {
    return this.holders.get(id);
  }

  /** closeSession: the id is forgotten, so a later reconnect with it is refused. */
  end(id: bigint): void {
    this.holders.delete(id);
  }

  /** The connection closed: the session lives on (it may reconnect) but is held by nobody. */
  release(cnxn: ServerConnection): void {
    const id = cnxn.sessionId();
    if (this.holders.get(id) === cnxn) this.holders.set(id, undefined);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
