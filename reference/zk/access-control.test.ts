import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessControl, SUPER_ID } from './access-control.ts';
import { Perms, type Acl, type Id } from './acl.ts';
import { digestId } from './auth-providers.ts';
import { KeeperError } from './error-codes.ts';
import { parseServerConfig } from '../boot/run-from-config.ts';
import { parseZooCfg } from '../boot/zoo-cfg.ts';
import { zkServerOptions } from '../boot/serve.ts';

const T = { timeout: 10_000 };
const ip = (id: string): Id => ({ scheme: 'ip', id });
const digest = (userPassword: string): Id => ({ scheme: 'digest', id: digestId(userPassword) });
const entry = (perms: number, scheme: string, id: string): Acl => ({ perms, id: { scheme, id } });
const plain = new AccessControl({ skipAcl: false, superDigest: digestId('super:s') });

test('[zk.acl-enforcement] unit: an entry grants when it holds a wanted bit and names world:anyone or a matching digest or ip id', T, () => {
  const me = [ip('127.0.0.1'), digest('u:p')];
  assert.equal(plain.permits(me, [entry(Perms.READ, 'world', 'anyone')], Perms.READ), true);
  assert.equal(plain.permits(me, [entry(Perms.READ, 'world', 'anyone')], Perms.WRITE), false);
  assert.equal(plain.permits(me, [entry(Perms.ALL, 'digest', digestId('u:p'))], Perms.WRITE), true);
  assert.equal(plain.permits(me, [entry(Perms.ALL, 'digest', digestId('u:q'))], Perms.WRITE), false);
  assert.equal(plain.permits(me, [entry(Perms.ALL, 'ip', '127.0.0.0/8')], Perms.DELETE), true);
  assert.equal(plain.permits(me, [entry(Perms.ALL, 'ip', '10.0.0.0/8')], Perms.DELETE), false);
  assert.equal(plain.permits(me, [entry(Perms.ALL, 'ip', '10.9.9.9/0')], Perms.DELETE), true);
  assert.equal(plain.permits([ip('::ffff:127.0.0.1')], [entry(Perms.ALL, 'ip', '127.0.0.1')], Perms.READ), true);
  assert.equal(plain.permits(me, [entry(Perms.ALL, 'foo', 'bar')], Perms.READ), false, 'an unknown scheme grants nothing');
  assert.equal(plain.permits(me, [], Perms.ADMIN), true, 'an empty ACL grants everything');
  assert.throws(() => plain.check(me, [entry(0, 'world', 'anyone')], Perms.READ, '/x'), (e) => e instanceof KeeperError && e.code === -102);
});

test('[zk.acl-enforcement] unit: super passes every check, skipACL skips them, getACL masks digest ids without ADMIN', T, () => {
  assert.deepEqual(plain.earned(digest('super:s')), [SUPER_ID, digest('super:s')]);
  assert.deepEqual(plain.earned(digest('super:t')), [digest('super:t')]);
  assert.equal(plain.permits([SUPER_ID], [entry(0, 'world', 'anyone')], Perms.ADMIN), true);
  assert.equal(new AccessControl({ skipAcl: true, superDigest: undefined }).permits([], [entry(0, 'world', 'anyone')], Perms.ADMIN), true);
  const acl = [entry(Perms.READ, 'world', 'anyone'), entry(Perms.ALL, 'digest', digestId('u:p'))];
  assert.deepEqual(plain.visibleAcl([ip('127.0.0.1')], acl)[1]?.id, { scheme: 'digest', id: 'u:x' });
  assert.deepEqual(plain.visibleAcl([digest('u:p')], acl), acl);
});

test('[zk.acl-enforcement, zk.quotas] unit: skipACL=yes, enforceQuota=true and the super digest go from zoo.cfg to the server as ZooKeeper reads them', T, () => {
  const options = (cfg: string) => zkServerOptions(parseServerConfig(parseZooCfg(`clientPort=1\n${cfg}`)));
  const on = options('skipACL=yes\nenforceQuota=TRUE\nDigestAuthenticationProvider.superDigest=super:abc\n');
  assert.deepEqual([on.skipAcl, on.enforceQuota, on.superDigest], [true, true, 'super:abc']);
  const off = options('skipACL=true\nenforceQuota=yes\n');
  assert.deepEqual([off.skipAcl, off.enforceQuota, off.superDigest], [undefined, undefined, undefined]);
});
