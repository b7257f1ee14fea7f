/**
 * What a create or setACL does with the ACL a client sends before storing it, as ZooKeeper 3.8 does:
 * 1. a null or empty list is INVALIDACL;
 * 2. `world` must name `anyone`; `auth` is replaced by one entry per authenticated id of the client (with the
 *    entry's permissions), and is INVALIDACL when the client has none; `digest` and `ip` ids must be valid for
 *    their provider; any other scheme is INVALIDACL;
 * 3. duplicate entries (same permissions and id) are dropped, the first kept.
 *
 * Implements: zk.acl-validation.
 */
import type { Acl, Id } from './acl.ts';
import { AUTH_PROVIDERS } from './auth-providers.ts';
import { Err, KeeperError } from './error-codes.ts';

export function fixupAcl(acl: readonly Acl[], authIds: readonly Id[], path: string): Acl[] {
  // 1.
  if (acl.length === 0) throw new KeeperError(Err.INVALIDACL, path);
  // 2.
  const out: Acl[] = [];
  for (const entry of acl) {
    const { scheme, id } = entry.id;
    if (scheme === 'world') {
      if (id !== 'anyone') throw new KeeperError(Err.INVALIDACL, `${path} (world:${id}; the world scheme has only the id anyone)`);
      out.push(entry);
    } else if (scheme === 'auth') {
      const ids = authIds.filter((a) => AUTH_PROVIDERS.get(a.scheme)?.authenticated === true);
      if (ids.length === 0) throw new KeeperError(Err.INVALIDACL, `${path} (auth scheme, but the client has authenticated no user)`);
      for (const a of ids) out.push({ perms: entry.perms, id: a });
    } else {
      const provider = AUTH_PROVIDERS.get(scheme);
      if (provider === undefined || !provider.isValid(id)) throw new KeeperError(Err.INVALIDACL, `${path} (${scheme}:${id} is not a valid id)`);
      out.push(entry);
    }
  }
  // 3.
  return out.filter((a, i) => out.findIndex((b) => b.perms === a.perms && b.id.scheme === a.id.scheme && b.id.id === a.id.id) === i);
}
