/**
 * wire.handshake: a new session gets protocolVersion 0, a timeout, a non-zero id and a 16-byte password, with
 * the readOnly byte echoed if and only if the request had it; a reconnect to a session the server does not know
 * gets timeout 0, id 0 and a zero password, then a close.
 */

import { closeSession, openSession } from '../zk-client-frames.ts';
import { fail, hex, pass, type WireCheck } from '../wire-check.ts';

/** An id no server has handed out in a probe's lifetime (ZooKeeper's ids start from the server id and the clock). */
const UNKNOWN_SESSION = 0x7eadbeefcafe0001n;

export const handshake: WireCheck = {
  name: 'handshake',
  requirements: ['wire.handshake'],
  description: 'new session with and without the readOnly byte; reconnect to an unknown session',
  async run(target, options) {
    const t = options.stepTimeoutMs;
    const problems: string[] = [];
    const withByte = await openSession(target, t);
    const r = withByte.response;
    if (r.protocolVersion !== 0) problems.push(`protocolVersion ${r.protocolVersion}, expected 0`);
    if (!(r.timeOut > 0)) problems.push(`negotiated timeout ${r.timeOut}, expected > 0`);
    if (r.sessionId === 0n) problems.push('session id 0 for a new session');
    if (r.passwd.length !== 16) problems.push(`password of ${r.passwd.length} bytes, expected 16`);
    if (r.readOnly === undefined) problems.push('no readOnly byte though the request had one');
    await closeSession(withByte.conn);
    const without = await openSession(target, t, { omitReadOnly: true });
    if (without.response.readOnly !== undefined) problems.push('a readOnly byte though the request had none');
    await closeSession(without.conn);
    const stale = await openSession(target, t, { sessionId: UNKNOWN_SESSION });
    const s = stale.response;
    if (s.timeOut !== 0 || s.sessionId !== 0n || s.passwd.some((b) => b !== 0)) {
      problems.push(`unknown session answered with timeout ${s.timeOut}, id 0x${s.sessionId.toString(16)}, password ${hex(s.passwd)}; expected 0, 0, zeros`);
    }
    const ended = await stale.conn.ending(t);
    stale.conn.close();
    if (!ended) problems.push(`the connection of an unknown session was still open ${t} ms after its response`);
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`session 0x${r.sessionId.toString(16)}, timeout ${r.timeOut} ms, readOnly byte echoed only when sent; unknown session refused then closed (${ended?.how})`);
  },
};
