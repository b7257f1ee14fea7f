/**
 * Differential, four-letter words: conf, envi, wchs, wchc, wchp, dump, dirs, crst, srst and mntr sent to Apache
 * ZooKeeper 3.8 and to the reference (everything whitelisted), after the same node-zookeeper-client session has
 * set the same watches and ephemeral nodes on each. Values that differ by nature (ports, session ids, dates,
 * sizes, the environment) are masked; the lines, keys and their order must agree.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'node-zookeeper-client';
import { findApacheZooKeeper, fourLetterWord } from '../zookeeper/apache-zookeeper.ts';
import { startPair, type ServerPair } from '../zookeeper/differential-pair.ts';
import { closeClient, zk } from '../../reference/zk/test-support.ts';
import type { SocketAddress } from '../../spec/runtime.ts';
import { createClient } from 'node-zookeeper-client';

const apache = findApacheZooKeeper();
const skip = apache.found ? false : `Apache ZooKeeper is not available: ${apache.reason}`;
const T = { timeout: 120_000, skip };
let pair: ServerPair | undefined;
const clients: Client[] = [];

before(async () => {
  if (!apache.found) return;
  pair = await startPair({ zooCfg: ['4lw.commands.whitelist=*'], server: { fourLetterWordWhitelist: '*' } });
  for (const address of [pair.zookeeper, pair.reference]) {
    const client = createClient(`${address.host}:${address.port}`, { retries: 0, sessionTimeout: 10_000 });
    await new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    });
    clients.push(client);
    await zk.create(client, '/w', null);
    await zk.create(client, '/w/e', null, 1);
    await zk.getData(client, '/w', () => {});
    await zk.getChildren(client, '/w', () => {});
    await zk.getData(client, '/w/e', () => {});
  }
});

after(async () => {
  await Promise.all(clients.map(closeClient));
  await pair?.stop();
});

/** Masks what differs by nature between two servers. */
function masked(text: string): string {
  return text
    .replace(/0x[0-9a-f]+/g, '0xID')
    .replace(/\w{3} \w{3} \d\d \d\d:\d\d:\d\d \w+ \d{4}/g, 'DATE')
    .replace(/^(\w[\w.]*)=.*$/gm, '$1=V')
    .replace(/(size: )\d+/g, '$1N');
}

async function both(word: string): Promise<[string, string]> {
  const ask = (a: SocketAddress) => fourLetterWord(a.port, word, 5_000);
  return [await ask(pair!.zookeeper), await ask(pair!.reference)];
}

test('[zk.admin-words] differential: conf, dirs, wchs, wchc, wchp, dump, crst and srst answer in ZooKeeper\'s lines', T, async () => {
  for (const word of ['conf', 'dirs', 'wchs', 'wchc', 'wchp', 'dump', 'crst', 'srst']) {
    const [real, reference] = await both(word);
    // ZooKeeper's NIO factory appends its idle-connection queue to dump, which the reference has not (admin-words.ts);
    // the expiry sets are compared by shape (ZooKeeper also holds the session its start-up probe opened, and keeps
    // a set a touch emptied until its time comes, so an empty set shows or not depending on when dump runs).
    const sets = (text: string) => (word === 'dump' ? text.replace(/Connections dump:[\s\S]*$/, '').replace(/\(\d+\)\/\(\d+\)/, '(N)/(N)').replace(/\d+ expire at DATE:\n(\t0xID\n)*/g, 'SET\n').replace(/(SET\n)+/, 'SETS\n') : text);
    assert.equal(sets(masked(reference)), sets(masked(real)), `${word}:\n--- ZooKeeper\n${real}\n--- reference\n${reference}`);
    assert.notEqual(real, '', word);
  }
});

test('[zk.admin-words] differential: envi starts with zookeeper.version in the form clients parse', T, async () => {
  const [real, reference] = await both('envi');
  const version = /^Environment:\nzookeeper\.version=(\d+)\.(\d+)\.(\d+)-[^,\n]*, built on [^\n]+\n/;
  assert.match(real, version);
  assert.match(reference, version);
  const keys = (text: string) => new Set([...text.matchAll(/^([\w.]+)=/gm)].map((m) => m[1]));
  for (const key of ['host.name', 'os.name', 'os.arch', 'os.version', 'user.name', 'user.home', 'user.dir', 'os.memory.free', 'os.memory.max', 'os.memory.total']) {
    assert.ok(keys(real).has(key) && keys(reference).has(key), key);
  }
});

test('[zk.admin-words] differential: mntr has every gauge and counter key of ZooKeeper 3.8, zk_version and zk_server_state first', T, async () => {
  const [real, reference] = await both('mntr');
  const keysOf = (text: string) => text.trimEnd().split('\n').map((line) => line.split('\t')[0] ?? '');
  const realKeys = keysOf(real);
  const families = realKeys.filter((k) => k.startsWith('zk_cnt_')).map((k) => k.slice('zk_cnt_'.length));
  const summary = (k: string) => families.some((f) => new RegExp(`^zk_(avg|min|max|cnt|sum|p50|p95|p99|p999)_${f}$`).test(k));
  assert.deepEqual(keysOf(reference), realKeys.filter((k) => !summary(k)));
  assert.deepEqual(keysOf(reference).slice(0, 2), ['zk_version', 'zk_server_state']);
});
