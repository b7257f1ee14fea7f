import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestHandler, ServerConnection } from '../../spec/server-cnxn-factory.ts';
import type { HarnessEvent } from '../../spec/trace/events.ts';
import { DIGEST_START, digestHex, digestUpdate } from '../../spec/trace/digest.ts';
import { observeHandler } from './observed-handler.ts';

function connection(done: string[]): ServerConnection {
  return {
    id: 'ch3',
    remoteAddress: { host: '10.0.0.1', port: 40000 },
    sessionId: () => 0n,
    sessionTimeout: () => 0,
    setSession: () => done.push('setSession'),
    send: async () => void done.push('send'),
    sendCloseAfterFlush: async () => void done.push('closeAfterFlush'),
    close: async () => void done.push('close'),
    disableRecv: async () => void done.push('disableRecv'),
    enableRecv: async () => void done.push('enableRecv'),
  };
}

test('harness: observeHandler reports every call across the handler boundary and still delegates it', async () => {
  const seen: HarnessEvent[] = [];
  const done: string[] = [];
  const identities = new Set<ServerConnection>();
  const inner: RequestHandler = {
    async processConnectRequest(cnxn) {
      identities.add(cnxn);
      cnxn.setSession(1n, 4000);
      await cnxn.send(Uint8Array.of(1, 2));
      await cnxn.send(Uint8Array.of(3));
      await cnxn.disableRecv();
      await cnxn.enableRecv();
    },
    async processPacket(cnxn) {
      identities.add(cnxn);
      await cnxn.sendCloseAfterFlush();
      throw new Error('on purpose');
    },
    connectionClosed(cnxn) {
      identities.add(cnxn);
    },
  };
  const handler = observeHandler(inner, (e) => seen.push(e));
  const cnxn = connection(done);
  await handler.processConnectRequest(cnxn, Uint8Array.of(9));
  await assert.rejects(handler.processPacket(cnxn, Uint8Array.of()), /on purpose/);
  handler.connectionClosed(cnxn, 'client_closed_connection');
  assert.equal(handler.fourLetterWord, undefined, 'a handler without fourLetterWord keeps none');
  assert.equal(identities.size, 1, 'the handler sees one wrapper per connection');
  assert.deepEqual(done, ['setSession', 'send', 'send', 'disableRecv', 'enableRecv', 'closeAfterFlush']);
  const sentDigest = digestHex(digestUpdate(DIGEST_START, Uint8Array.of(1, 2, 3)));
  assert.deepEqual(seen, [
    { ev: 'handlerCall', ch: 'ch3', call: 'connectRequest', n: 1, digest: digestHex(digestUpdate(DIGEST_START, Uint8Array.of(9))) },
    { ev: 'handlerAct', ch: 'ch3', act: 'setSession', n: 4000 },
    { ev: 'handlerAct', ch: 'ch3', act: 'send', n: 2, digest: digestHex(digestUpdate(DIGEST_START, Uint8Array.of(1, 2))) },
    { ev: 'handlerAct', ch: 'ch3', act: 'send', n: 1, digest: sentDigest },
    { ev: 'handlerAct', ch: 'ch3', act: 'disableRecv' },
    { ev: 'handlerAct', ch: 'ch3', act: 'enableRecv' },
    { ev: 'handlerReturn', ch: 'ch3', call: 'connectRequest' },
    { ev: 'handlerCall', ch: 'ch3', call: 'packet', n: 0, digest: digestHex(DIGEST_START) },
    { ev: 'handlerAct', ch: 'ch3', act: 'closeAfterFlush', reason: 'client_closed_connection' },
    { ev: 'handlerReturn', ch: 'ch3', call: 'packet', threw: 'on purpose' },
    { ev: 'connectionClosed', ch: 'ch3', reason: 'client_closed_connection' },
  ]);
});

test('harness: observeHandler reports four-letter words and a handler close', async () => {
  const seen: HarnessEvent[] = [];
  const handler = observeHandler(
    {
      processConnectRequest: async () => {},
      processPacket: async () => {},
      connectionClosed: () => {},
      async fourLetterWord(cnxn, word) {
        await cnxn.close('close_connection_command');
        return word === 'ruok';
      },
    },
    (e) => seen.push(e),
  );
  assert.equal(await handler.fourLetterWord!(connection([]), 'ruok'), true);
  assert.deepEqual(seen.map((e) => e.ev + (e.ev === 'handlerAct' ? `:${e.act}:${e.reason}` : e.ev === 'handlerCall' ? `:${e.call}:${e.n}` : '')), [
    'handlerCall:fourLetterWord:4',
    'handlerAct:close:close_connection_command',
    'handlerReturn',
  ]);
});
