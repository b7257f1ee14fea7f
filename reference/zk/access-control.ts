/**
 * ACL enforcement as ZooKeeper 3.8 does it: which permission each operation needs, on which node, and who has it.
 *
 *   create, delete        CREATE / DELETE on the parent (after the parent, and for delete the node, are found)
 *   setData, multi check  WRITE / READ on the node (after it is found, before its version is compared)
 *   setACL                ADMIN on the node (after the new ACL is validated and the node found)
 *   getData, getChildren  READ on the node (after it is found; no watch is left behind on NOAUTH)
 *   getAllChildrenNumber  READ on the node
 *   getACL                READ or ADMIN; without ADMIN every digest id comes back as `user:x`
 *   exists, sync, getEphemerals, whoAmI, setWatches: no check
 *
 * An entry grants when it holds one of the wanted bits and names world:anyone, or an id of a known scheme that one
 * of the client's identities matches (digest: the same id; ip: the client's address within the entry's mask).
 * An empty ACL grants everything. `zookeeper.skipACL=yes` skips every check; an identity `super:` (earned by
 * `addauth digest` with the credentials whose digest is `zookeeper.DigestAuthenticationProvider.superDigest`)
 * passes every check. A refusal is NOAUTH (-102).
 *
 * Implements: zk.acl-enforcement.
 */
import { Perms, type Acl, type Id } from './acl.ts';
import { AUTH_PROVIDERS } from './auth-providers.ts';
import { Err, KeeperError } from './error-codes.ts';

export interface AccessSettings {
  /** `zookeeper.skipACL`: ZooKeeper skips checks only when it is exactly `yes`. */
  readonly skipAcl: boolean;
  /** `zookeeper.DigestAuthenticationProvider.superDigest`: `user:base64(sha1(user:password))`, or undefined. */
  readonly superDigest: string | undefined;
}

export const SUPER_ID: Id = { scheme: 'super', id: '' };

export class AccessControl {
  constructor(private readonly settings: AccessSettings) {}

  /** Whether `ids` may do what `perm` stands for on a node with `acl`. */
  permits(ids: readonly Id[], acl: readonly Acl[], perm: number): boolean {
    if (this.settings.skipAcl || acl.length === 0) return true;
    if (ids.some((id) => id.scheme === SUPER_ID.scheme)) return true;
    for (const entry of acl) {
      if ((entry.perms & perm) === 0) continue;
      if (entry.id.scheme === 'world' && entry.id.id === 'anyone') return true;
      const provider = AUTH_PROVIDERS.get(entry.id.scheme);
      if (provider === undefined) continue;
      if (ids.some((id) => id.scheme === entry.id.scheme && provider.matches(id.id, entry.id.id))) return true;
    }
    return false;
  }

  /** NOAUTH unless `ids` hold `perm` on the node at `path`. */
  check(ids: readonly Id[], acl: readonly Acl[], perm: number, path: string): void {
    if (!this.permits(ids, acl, perm)) throw new KeeperError(Err.NOAUTH, path);
  }

  /** The identities a successful auth adds: the id itself, and `super:` first when it is the super digest. */
  earned(id: Id): Id[] {
    const isSuper = id.scheme === 'digest' && this.settings.superDigest !== undefined && id.id === this.settings.superDigest;
    return isSuper ? [SUPER_ID, id] : [id];
  }

  /** What getACL shows: everything to ADMIN, digest hashes masked as `user:x` to the others. */
  visibleAcl(ids: readonly Id[], acl: readonly Acl[]): readonly Acl[] {
    if (this.permits(ids, acl, Perms.ADMIN)) return acl;
    return acl.map((a) => (a.id.scheme === 'digest' ? { perms: a.perms, id: { scheme: 'digest', id: a.id.id.replace(/:.*/g, ':x') } } : a));
  }
}
