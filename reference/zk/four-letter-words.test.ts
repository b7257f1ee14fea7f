/** Four-letter words through the handler's hook, without sockets: replies, whitelist, output shapes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { createNodeRuntime } from '../runtime/node/index.ts';
import { FourLetterWhitelist } from './four-letter-whitelist.ts';
import { hex, javaDouble } from './four-letter-words.ts';
import { ZkServer } from './zk-server.ts';
import type { ZkServerOptions } from './zk-server-options.ts';
import { connectFrame } from './test-support.ts';

const T = { timeout: 10_000 };

/** A connection that records what the server queues and how it closes. */
class FakeConnection implements ServerConnection {
  static next = 0;
  readonly id = `fake${FakeConnection.next++}`;
  readonly remoteAddress = { host: '127.0.0.1', port: 40000 + FakeConnection.next };
  readonly sent: Uint8Array[] = [];
  closedWith: DisconnectReason | undefined;
  closeAfterFlushWith: DisconnectReason | undefined;
  private session = 0n;
  private timeout = 0;
  sessionId(): bigint {
    return this.session;
  }
  sessionTimeout(): number {
    return this.timeout;
  }
  setSession(sessionId: bigint, timeoutMs: number): void {
    this.session = sessionId;
    this.timeout = timeoutMs;
  }
  async send(frame: Uint8Array): Promise<void> {
    this.sent.push(frame);
  }
  async sendCloseAfterFlush(reason?: DisconnectReason): Promise<void> {
    this.closeAfterFlushWith = reason ?? 'client_closed_connection';
  }
  async close(reason: DisconnectReason): Promise<void> {
    this.closedWith = reason;
  }
  async disableRecv(): Promise<void> {}
  async enableRecv(): Promise<void> {}
  text(): string {
    return Buffer.concat(this.sent).toString('utf8');
  }
}

function server(t: { after(fn: () => Promise<void>): void }, options: ZkServerOptions = {}): ZkServer {
  const runtime = createNodeRuntime({ logger: { log() {} } });
  const zk = new ZkServer(runtime, { epochMs: 1_700_000_000_000, ...options });
  t.after(async () => {
    await zk.shutdown();
    await runtime.dispose();
  });
  return zk;
}

async function ask(zk: ZkServer, word: string): Promise<{ taken: boolean; cnxn: FakeConnection }> {
  const cnxn = new FakeConnection();
  const taken = await zk.fourLetterWord(cnxn, word);
  return { taken, cnxn };
}

test('[zk.four-letter-words] unit: ruok answers imok with no newline, then closes after the flush', T, async (t) => {
  const { taken, cnxn } = await ask(server(t, { fourLetterWordWhitelist: 'ruok' }), 'ruok');
  assert.equal(taken, true);
  assert.equal(cnxn.text(), 'imok');
  assert.equal(cnxn.closeAfterFlushWith, 'close_connection_command');
});

test('[zk.whitelist] unit: by default only srvr runs; any other word gets the not-in-the-whitelist reply', T, async (t) => {
  const zk = server(t);
  for (const word of ['ruok', 'stat', 'cons', 'mntr', 'conf']) {
    const { taken, cnxn } = await ask(zk, word);
    assert.equal(taken, true);
    assert.equal(cnxn.text(), `${word} is not executed because it is not in the whitelist.\n`);
  }
  assert.match((await ask(zk, 'srvr')).cnxn.text(), /^Zookeeper version: /);
});

test('[zk.whitelist] unit: the whitelist is trimmed, ignores empty entries, always has srvr, and * enables every word', T, () => {
  assert.deepEqual(new FourLetterWhitelist(' stat , ,ruok').words(), ['ruok', 'srvr', 'stat']);
  assert.deepEqual(new FourLetterWhitelist(undefined).words(), ['srvr']);
  const all = new FourLetterWhitelist('*');
  for (const word of ['cons', 'mntr', 'wchs', 'isro']) assert.equal(all.isEnabled(word), true, word);
});

test('[zk.four-letter-words] unit: a whitelisted word the reference does not implement is declined so that the factory closes', T, async (t) => {
  const { taken, cnxn } = await ask(server(t, { fourLetterWordWhitelist: '*' }), 'hash');
  assert.equal(taken, false);
  assert.deepEqual(cnxn.sent, []);
});

test('[zk.four-letter-words] unit: srvr and stat print the version, latency, counts, zxid, standalone mode and node count', T, async (t) => {
  const zk = server(t, { fourLetterWordWhitelist: 'stat' });
  const client = new FakeConnection();
  await zk.processConnectRequest(client, connectFrame().subarray(4));
  const srvr = (await ask(zk, 'srvr')).cnxn.text();
  assert.match(
    srvr,
    /^Zookeeper version: \d+\.\d+\.\d+-[\w-]+, built on [^\n]+\nLatency min\/avg\/max: \d+\/\d+\.\d+\/\d+\nReceived: \d+\nSent: \d+\nConnections: \d+\nOutstanding: 0\nZxid: 0x1\nMode: standalone\nNode count: 5\n$/,
  );
  const stat = (await ask(zk, 'stat')).cnxn.text();
  const lines = stat.split('\n');
  assert.equal(lines[1], 'Clients:');
  // Without an attached factory the server lists the connections it has heard from: the client and both 4lw ones.
  assert.equal(lines.filter((l) => /^ \/127\.0\.0\.1:\d+\[0\]\(queued=0,recved=\d+,sent=\d+\)$/.test(l)).length, 3);
  assert.match(stat, /\n\nLatency min\/avg\/max: /);
  assert.match(stat, /Connections: 3\n/);
});

test('[zk.four-letter-words] unit: cons shows each connection with its session, timeout and last operation', T, async (t) => {
  const zk = server(t, { fourLetterWordWhitelist: 'cons', tickTime: 1000 });
  const client = new FakeConnection();
  await zk.processConnectRequest(client, connectFrame({ timeOut: 5000 }).subarray(4));
  const cons = (await ask(zk, 'cons')).cnxn.text();
  const sid = `0x${hex(client.sessionId())}`;
  assert.match(
    cons,
    new RegExp(`^ /127\\.0\\.0\\.1:\\d+\\[0\\]\\(queued=0,recved=1,sent=1,sid=${sid},lop=SESS,est=17\\d{11},to=5000,lzxid=0x1,lresp=\\d+,llat=0,minlat=0,avglat=0,maxlat=0\\)\\n`),
  );
  assert.ok(cons.endsWith(')\n\n'), 'an empty line ends the list');
});

test('[zk.four-letter-words] unit: mntr lists zk_version and zk_server_state first, then tab-separated metrics', T, async (t) => {
  const zk = server(t, { fourLetterWordWhitelist: 'mntr' });
  const mntr = (await ask(zk, 'mntr')).cnxn.text();
  const lines = mntr.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^zk_version\t3\.9\.3-/);
  assert.equal(lines[1], 'zk_server_state\tstandalone');
  for (const line of lines) assert.match(line, /^zk_[a-z_]+\t\S/);
  assert.ok(lines.includes('zk_znode_count\t5'));
  assert.ok(lines.includes('zk_avg_latency\t0.0'));
});

test('[zk.four-letter-words] unit: after shutdown the server-state words say the instance is not serving, ruok still says imok', T, async (t) => {
  const zk = server(t, { fourLetterWordWhitelist: '*' });
  await zk.shutdown();
  assert.equal((await ask(zk, 'stat')).cnxn.text(), 'This ZooKeeper instance is not currently serving requests\n');
  assert.equal((await ask(zk, 'ruok')).cnxn.text(), 'imok');
  assert.equal(javaDouble(2), '2.0');
  assert.equal(javaDouble(0.3333), '0.3333');
});

test('[zk.admin-words] unit: srst zeroes the server counters, crst the connection counters; dirs and conf answer from memory', T, async (t) => {
  const zk = server(t, { fourLetterWordWhitelist: '*', tickTime: 1000 });
  const client = new FakeConnection();
  await zk.processConnectRequest(client, connectFrame().subarray(4));
  assert.match((await ask(zk, 'srvr')).cnxn.text(), /Received: 2\n/);
  assert.equal((await ask(zk, 'srst')).cnxn.text(), 'Server stats reset.\n');
  assert.match((await ask(zk, 'srvr')).cnxn.text(), /Received: 1\nSent: 1\n/);
  assert.equal((await ask(zk, 'crst')).cnxn.text(), 'Connection stats reset.\n');
  assert.match((await ask(zk, 'cons')).cnxn.text(), /queued=0,recved=0,sent=0,sid=0x[0-9a-f]+,lop=SESS,est=\d+,to=\d+,lzxid=0xffffffffffffffff,/);
  assert.equal((await ask(zk, 'dirs')).cnxn.text(), 'datadir_size: 0\nlogdir_size: 0\n');
  assert.match((await ask(zk, 'conf')).cnxn.text(), /^clientPort=-1\nsecureClientPort=-1\ndataDir=\(in memory\)\n[\s\S]*tickTime=1000\nmaxClientCnxns=60\nminSessionTimeout=2000\nmaxSessionTimeout=20000\nclientPortListenBacklog=-1\nserverId=0\n$/);
});
