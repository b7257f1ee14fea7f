/**
 * ACL records: ACL{int perms, Id{ustring scheme, ustring id}}, with ZooKeeper's permission bits. access-control.ts
 * enforces them.
 */
import type { RecordCodec } from './record-codec.ts';

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

export interface Id {
  readonly scheme: string;
  readonly id: string;
}

export interface Acl {
  readonly perms: number;
  readonly id: Id;
}

export const AclCodec: RecordCodec<Acl> = {
  name: 'ACL',
  read: (r) => ({ perms: r.int('perms'), id: { scheme: r.string('scheme'), id: r.string('id') } }),
  write: (w, v) => void w.int(v.perms).ustring(v.id.scheme).ustring(v.id.id),
};

/** world:anyone with every permission, what clients call OPEN_ACL_UNSAFE; the ACL of the built-in znodes. */
export const OPEN_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];

/** world:anyone READ, the ACL of /zookeeper/config. */
export const READ_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
