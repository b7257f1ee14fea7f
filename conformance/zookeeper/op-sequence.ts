/**
 * Short sequences of well-formed ZooKeeper requests over 1-3 sessions and a small universe of paths, as a
 * fast-check arbitrary: what an ordinary client does (creates of every mode, versioned deletes and setData, reads
 * with and without watches, persistent watches, multi with failing operations, multiRead, ACLs, closing a session),
 * for the differential fuzz (op-sequence-diff.ts) that plays each sequence on Apache ZooKeeper 3.8 and on the
 * reference and compares everything the clients see.
 *
 * Paths are relative to a root each play of a sequence creates for itself ('' is that root), so sequences never
 * see each other's nodes. `LAST_CREATED` names the path the latest successful create of the play returned (a
 * sequential node's real name), resolved by the player on each server from that server's own replies.
 * Versions are small constants: nodes are fresh, so 0, 1 and 2 are right about as often as they are wrong.
 *
 * Left out on purpose: createTTL with a flag that is not a TTL flag (ZooKeeper 3.8 accepts it and then stops
 * answering every client; the reference refuses it: reference/zk/README.md), malformed bodies (the malformed fuzz,
 * bench/zk-differential-fuzz.ts, covers them) and requests pipelined without waiting for a reply (ZooKeeper checks a
 * request queued right behind a setACL against the old ACL, a documented difference).
 */
import fc from 'fast-check';
import type { AclEntry } from './request-frames.ts';

export const LAST_CREATED = '<last created>';

/** Relative paths reads and writes name; create adds 'a/' (sequential children of /a with a trailing slash). */
const PATHS = ['', 'a', 'a/b', 'a/b/c', 'c', 'c/d', LAST_CREATED] as const;
const CREATE_PATHS = [...PATHS, 'a/'] as const;

export type CreateOpName = 'create' | 'create2' | 'createContainer' | 'createTTL';
export type ReadOpName = 'exists' | 'getData' | 'getChildren' | 'getChildren2';
export type Data = string | null;

export interface CreateSpec {
  readonly op: CreateOpName;
  readonly path: string;
  readonly data: Data;
  readonly acl: readonly AclEntry[];
  /** CreateMode number: 0 persistent .. 6 persistent sequential with TTL. */
  readonly flags: number;
  /** Only with createTTL. */
  readonly ttl?: bigint;
}

export type MultiSub =
  | ({ readonly kind: 'create' } & CreateSpec)
  | { readonly kind: 'delete'; readonly path: string; readonly version: number }
  | { readonly kind: 'setData'; readonly path: string; readonly data: Data; readonly version: number }
  | { readonly kind: 'check'; readonly path: string; readonly version: number };

export type ZkOp = { readonly session: number } & (
  | ({ readonly kind: 'create' } & CreateSpec)
  | { readonly kind: 'delete'; readonly path: string; readonly version: number }
  | { readonly kind: 'setData'; readonly path: string; readonly data: Data; readonly version: number }
  | { readonly kind: 'read'; readonly op: ReadOpName; readonly path: string; readonly watch: boolean }
  | { readonly kind: 'addWatch'; readonly path: string; readonly mode: 0 | 1 }
  | { readonly kind: 'removeWatches' | 'checkWatches'; readonly path: string; readonly type: 1 | 2 | 3 }
  /** A check (13) outside a multi: ZooKeeper decodes it and sends no reply. */
  | { readonly kind: 'checkVersion'; readonly path: string; readonly version: number }
  | { readonly kind: 'multi'; readonly ops: readonly MultiSub[] }
  | { readonly kind: 'multiRead'; readonly ops: readonly (readonly ['getChildren' | 'getData', string])[] }
  | { readonly kind: 'sync' | 'getAllChildrenNumber' | 'getACL'; readonly path: string }
  /** prefix '/' lists every ephemeral of the session; anything else is relative to the root. */
  | { readonly kind: 'getEphemerals'; readonly prefix: string }
  | { readonly kind: 'setACL'; readonly path: string; readonly acl: readonly AclEntry[]; readonly version: number }
  | { readonly kind: 'closeSession' }
  /** addauth digest `credentials` (user:password), sent with the auth xid -4. */
  | { readonly kind: 'auth'; readonly credentials: string }
);

export interface OpSequence {
  readonly sessions: number;
  readonly ops: readonly ZkOp[];
}

/**
 * ACLs a client may send: open, narrower ones that make later requests NOAUTH, and ones ZooKeeper refuses. The
 * digest ids are those of user:pass and other:pw, the credentials `auth` operations send.
 */
export const ACLS: readonly (readonly AclEntry[])[] = [
  [[31, 'world', 'anyone']],
  [[1, 'world', 'anyone']],
  [[5, 'world', 'anyone']],
  [[23, 'world', 'anyone']],
  [[31, 'ip', '127.0.0.1']],
  [[31, 'ip', '10.0.0.0/8']],
  [[1, 'world', 'anyone'], [30, 'ip', '127.0.0.1']],
  [[31, 'digest', 'user:smGaoVKd/cQkjm7b88GyorAUz20=']],
  [[1, 'world', 'anyone'], [31, 'digest', 'other:C9oU18wYV9MKI6QqDxMNatrbkNI=']],
  [[31, 'auth', '']],
  [[31, 'world', 'someone']],
  [[30, 'world', 'anyone']],
  [],
];

const path = fc.constantFrom(...PATHS);
const createPath = fc.constantFrom(...CREATE_PATHS);
/** -1 (any) and 0 (a fresh node's) most, so that more writes succeed and fire watches. */
const version = fc.constantFrom(-1, -1, -1, 0, 0, 1, 2, 7);
const data: fc.Arbitrary<Data> = fc.constantFrom(null, '', 'x', 'hello');
const acl = fc.oneof({ weight: 4, arbitrary: fc.constant(ACLS[0] as readonly AclEntry[]) }, { weight: 1, arbitrary: fc.constantFrom(...ACLS) });
const ttl = fc.constantFrom(1n, 60_000n, 0n, -5n, 1n << 41n);

/** The op and flags real clients send most, and every other legal pairing now and then (see the header). */
const createSpec: fc.Arbitrary<CreateSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom<CreateOpName>('create', 'create2'), path: createPath, data, acl, flags: fc.constantFrom(0, 0, 1, 2, 3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom<CreateOpName>('create', 'create2'), path: createPath, data, acl, flags: fc.constantFrom(4, 5, 6, 7, -1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant<CreateOpName>('createContainer'), path: createPath, data, acl, flags: fc.constantFrom(4, 4, 0, 2) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant<CreateOpName>('createTTL'), path: createPath, data, acl, flags: fc.constantFrom(5, 6), ttl }) },
);

/** Inside a multi, a create's kind comes from its flags; createTTL carries its TTL there too. */
const multiCreate: fc.Arbitrary<MultiSub> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), op: fc.constantFrom<CreateOpName>('create', 'create2'), path: createPath, data, acl, flags: fc.constantFrom(0, 1, 2, 3, 4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), op: fc.constant<CreateOpName>('createContainer'), path: createPath, data, acl, flags: fc.constant(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), op: fc.constant<CreateOpName>('createTTL'), path: createPath, data, acl, flags: fc.constantFrom(5, 6), ttl }) },
);

const multiSub: fc.Arbitrary<MultiSub> = fc.oneof(
  { weight: 3, arbitrary: multiCreate },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path, version }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('setData' as const), path, data, version }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const), path, version }) },
);

function opOf(sessions: number): fc.Arbitrary<ZkOp> {
  const session = fc.integer({ min: 0, max: sessions - 1 });
  const w = (weight: number, arbitrary: fc.Arbitrary<ZkOp>) => ({ weight, arbitrary });
  return fc.oneof(
    w(8, fc.tuple(session, createSpec).map(([s, spec]) => ({ session: s, kind: 'create' as const, ...spec }))),
    w(4, fc.record({ session, kind: fc.constant('delete' as const), path, version })),
    w(4, fc.record({ session, kind: fc.constant('setData' as const), path, data, version })),
    w(6, fc.record({ session, kind: fc.constant('read' as const), op: fc.constantFrom<ReadOpName>('exists', 'getData', 'getChildren', 'getChildren2'), path, watch: fc.constantFrom(true, true, false) })),
    // Persistent watches on the root or /a see most of what a sequence does, so notifications are common.
    w(3, fc.record({ session, kind: fc.constant('addWatch' as const), path: fc.oneof(fc.constantFrom('', 'a'), path), mode: fc.constantFrom<0 | 1>(0, 1, 1) })),
    w(2, fc.record({ session, kind: fc.constantFrom<'removeWatches' | 'checkWatches'>('removeWatches', 'checkWatches'), path, type: fc.constantFrom<1 | 2 | 3>(1, 2, 3) })),
    w(1, fc.record({ session, kind: fc.constant('checkVersion' as const), path, version })),
    w(3, fc.record({ session, kind: fc.constant('multi' as const), ops: fc.array(multiSub, { minLength: 0, maxLength: 4 }) })),
    w(1, fc.record({ session, kind: fc.constant('multiRead' as const), ops: fc.array(fc.tuple(fc.constantFrom<'getChildren' | 'getData'>('getChildren', 'getData'), path), { minLength: 1, maxLength: 3 }) })),
    w(2, fc.record({ session, kind: fc.constantFrom<'sync' | 'getAllChildrenNumber' | 'getACL'>('sync', 'getAllChildrenNumber', 'getACL'), path })),
    w(1, fc.record({ session, kind: fc.constant('getEphemerals' as const), prefix: fc.constantFrom('/', '', 'a', 'c') })),
    w(1, fc.record({ session, kind: fc.constant('setACL' as const), path, acl, version })),
    w(1, fc.record({ session, kind: fc.constant('closeSession' as const) })),
    w(1, fc.record({ session, kind: fc.constant('auth' as const), credentials: fc.constantFrom('user:pass', 'other:pw', 'user:wrong') })),
  );
}

/** Plain nodes most sequences start from, so that fewer of their operations just fail with NONODE. */
const SETUP: readonly ZkOp[] = ['a', 'a/b', 'c'].map((p) => ({ session: 0, kind: 'create', op: 'create', path: p, data: 'x', acl: ACLS[0]!, flags: 0 }));

/** 1-3 sessions and 1-`maxOps` operations, each on one of them, after /a, /a/b and /c are made (mostly). */
export function opSequence(maxOps = 14): fc.Arbitrary<OpSequence> {
  return fc.integer({ min: 1, max: 3 }).chain((sessions) =>
    fc.record({
      sessions: fc.constant(sessions),
      ops: fc.tuple(fc.nat({ max: 3 }), fc.array(opOf(sessions), { minLength: 1, maxLength: maxOps })).map(([setup, ops]) => [...SETUP.slice(0, setup === 0 ? 0 : 3), ...ops]),
    }),
  );
}

const show = (p: string) => (p === LAST_CREATED ? p : `~/${p}`);
const showAcl = (entries: readonly AclEntry[]) => `[${entries.map(([perms, scheme, id]) => `${perms} ${scheme}:${String(id)}`).join(', ')}]`;
const showData = (d: Data) => (d === null ? 'null' : JSON.stringify(d));

function describeCreate(c: CreateSpec): string {
  return `${c.op} ${show(c.path)} ${showData(c.data)} flags ${c.flags}${c.ttl === undefined ? '' : ` ttl ${c.ttl}`}${c.acl === ACLS[0] ? '' : ` acl ${showAcl(c.acl)}`}`;
}

function describeSub(s: MultiSub): string {
  switch (s.kind) {
    case 'create':
      return describeCreate(s);
    case 'setData':
      return `setData ${show(s.path)} ${showData(s.data)} v${s.version}`;
    default:
      return `${s.kind} ${show(s.path)} v${s.version}`;
  }
}

/** One line per operation, for counterexamples ('~' is the play's root). */
export function describeOp(op: ZkOp): string {
  const body = ((): string => {
    switch (op.kind) {
      case 'create':
        return describeCreate(op);
      case 'delete':
      case 'checkVersion':
        return `${op.kind} ${show(op.path)} v${op.version}`;
      case 'setData':
        return `setData ${show(op.path)} ${showData(op.data)} v${op.version}`;
      case 'read':
        return `${op.op} ${show(op.path)}${op.watch ? ' watch' : ''}`;
      case 'addWatch':
        return `addWatch ${show(op.path)} ${op.mode === 0 ? 'persistent' : 'persistent recursive'}`;
      case 'removeWatches':
      case 'checkWatches':
        return `${op.kind} ${show(op.path)} type ${op.type}`;
      case 'multi':
        return `multi [${op.ops.map(describeSub).join('; ')}]`;
      case 'multiRead':
        return `multiRead [${op.ops.map(([kind, p]) => `${kind} ${show(p)}`).join('; ')}]`;
      case 'getEphemerals':
        return `getEphemerals ${op.prefix === '/' ? '/' : show(op.prefix)}`;
      case 'setACL':
        return `setACL ${show(op.path)} ${showAcl(op.acl)} v${op.version}`;
      case 'closeSession':
        return 'closeSession';
      case 'auth':
        return `addauth digest ${op.credentials}`;
      default:
        return `${op.kind} ${show(op.path)}`;
    }
  })();
  return `s${op.session}: ${body}`;
}
