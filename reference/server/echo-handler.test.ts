import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { EchoHandler, passwordFor } from './echo-handler.ts';
import { decodeConnectResponse, decodeReply, encodeConnectRequest, encodeRequest, FrameSplitter } from './frames.ts';

const T = { timeout: 10_000 };

/** A ServerConnection that records what the handler does with it. */
class RecordingConnection implements ServerConnection {
  readonly id = 'ch0';
  readonly remoteAddress = { host: '10.0.0.1', port: 1 };
  readonly sent: Uint8Array[] = [];
  readonly actions: string[] = [];
  private sid = 0n;
  private to = 10_000;
  sessionId(): bigint { return this.sid; }
  sessionTimeout(): number { return this.to; }
  setSession(id: bigint, timeout: number): void {
    this.sid = id;
    this.to = timeout;
    this.actions.push('setSession');
  }
  async send(frame: Uint8Array): Promise<void> {
    this.sent.push(...new FrameSplitter().push(frame));
    this.actions.push('send');
  }
  async sendCloseAfterFlush(reason?: DisconnectReason): Promise<void> { this.actions.push(`closeAfterFlush:${reason ?? ''}`); }
  async close(reason: DisconnectReason): Promise<void> { this.actions.push(`close:${reason}`); }
  async disableRecv(): Promise<void> {}
  async enableRecv(): Promise<void> {}
}

const connect = (timeOut: number, sessionId = 0n, passwd: Uint8Array = new Uint8Array(16)) =>
  encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut, sessionId, passwd, readOnly: false });

test('[expiry.session-timeout] unit: the echo server negotiates the clamped timeout and sets the session before replying', T, async () => {
  const handler = new EchoHandler({ tickTime: 1000 });
  const cnxn = new RecordingConnection();
  await handler.processConnectRequest(cnxn, connect(500));
  assert.deepEqual(cnxn.actions, ['setSession', 'send']);
  assert.equal(cnxn.sessionTimeout(), 2000, 'raised to 2 x tickTime');
  const response = decodeConnectResponse(cnxn.sent[0] as Uint8Array);
  assert.equal(response.timeOut, 2000);
  assert.deepEqual(response.passwd, passwordFor(response.sessionId));
});

test('[wire.handshake] unit: a reconnect with the right password keeps the session; a wrong one is refused and closed after flush', T, async () => {
  const handler = new EchoHandler();
  const first = new RecordingConnection();
  await handler.processConnectRequest(first, connect(10_000));
  const id = first.sessionId();
  const again = new RecordingConnection();
  await handler.processConnectRequest(again, connect(10_000, id, passwordFor(id)));
  assert.equal(decodeConnectResponse(again.sent[0] as Uint8Array).sessionId, id);
  const wrong = new RecordingConnection();
  await handler.processConnectRequest(wrong, connect(10_000, id, new Uint8Array(16)));
  assert.equal(decodeConnectResponse(wrong.sent[0] as Uint8Array).timeOut, 0);
  assert.deepEqual(wrong.actions, ['send', 'closeAfterFlush:']);
});

test('[wire.order] unit: the echo server answers other requests with their xid and the body echoed', T, async () => {
  const handler = new EchoHandler();
  const cnxn = new RecordingConnection();
  await handler.processPacket(cnxn, encodeRequest({ xid: 42, type: 3 }, Uint8Array.of(9, 8)));
  assert.deepEqual(decodeReply(cnxn.sent[0] as Uint8Array), { header: { xid: 42, zxid: 0n, err: 0 }, body: Uint8Array.of(9, 8) });
  await handler.processPacket(cnxn, encodeRequest({ xid: 43, type: -11 }));
  assert.deepEqual(cnxn.actions.slice(-2), ['send', 'closeAfterFlush:client_closed_session']);
});
