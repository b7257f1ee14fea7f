/**
 * Four-letter words over raw sockets, the way operators send them (`echo ruok | nc host 2181`): the factory hands
 * the first 4 bytes of a connection to the server's fourLetterWord hook, the server answers in text and closes.
 * These need the NIO factory's side of the hook (RequestHandler.fourLetterWord); the handler's side is also
 * tested without sockets in four-letter-words.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawPeer, startZk, zk } from './test-support.ts';

const T = { timeout: 15_000 };

async function ask(t: Parameters<typeof RawPeer.connect>[0], address: Parameters<typeof RawPeer.connect>[1], word: string, halfClose = false): Promise<string> {
  const peer = await RawPeer.connect(t, address);
  peer.write(Buffer.from(word, 'ascii'));
  if (halfClose) peer.socket.end();
  return peer.readToEnd();
}

test('[zk.four-letter-words] zk tcp: ruok over a raw socket answers imok and the server closes the connection', T, async (t) => {
  const f = await startZk(t, { server: { fourLetterWordWhitelist: 'ruok' } });
  assert.equal(await ask(t, f.address, 'ruok'), 'imok');
});

test('[zk.four-letter-words] zk tcp: a client that half-closes after the word, as nc does, still gets the whole reply', T, async (t) => {
  const f = await startZk(t, { server: { fourLetterWordWhitelist: 'srvr' } });
  assert.match(await ask(t, f.address, 'srvr', true), /^Zookeeper version: .*\nMode: standalone\nNode count: 5\n$/s);
});

test('[zk.whitelist] zk tcp: with the default whitelist ruok is refused in words while srvr is answered', T, async (t) => {
  const f = await startZk(t);
  assert.equal(await ask(t, f.address, 'ruok'), 'ruok is not executed because it is not in the whitelist.\n');
  assert.match(await ask(t, f.address, 'srvr'), /^Zookeeper version: /);
});

test('[zk.four-letter-words] zk tcp: stat and cons list a connected client session and mntr reports a standalone server', T, async (t) => {
  const f = await startZk(t, { server: { fourLetterWordWhitelist: '*' } });
  const client = await f.connect();
  await zk.create(client, '/visible', null);
  const sid = client.getSessionId().readBigInt64BE(0).toString(16);
  const stat = await ask(t, f.address, 'stat');
  assert.match(stat, /\nClients:\n( \/127\.0\.0\.1:\d+\[[0-9a-f]+\]\(queued=0,recved=\d+,sent=\d+\)\n)+\nLatency min\/avg\/max: /);
  assert.match(stat, /\nConnections: 2\n/, 'the client and the stat connection itself');
  assert.match(stat, /\nNode count: 6\n/);
  const cons = await ask(t, f.address, 'cons');
  assert.match(cons, new RegExp(`sid=0x${sid},lop=CREA,est=\\d+,to=30000,lcxid=0x0,lzxid=0x[0-9a-f]+,`));
  const mntr = await ask(t, f.address, 'mntr');
  assert.match(mntr, /^zk_version\t.*\nzk_server_state\tstandalone\n/);
  assert.match(mntr, /\nzk_num_alive_connections\t2\n/);
  assert.match(mntr, /\nzk_global_sessions\t1\n/);
});
