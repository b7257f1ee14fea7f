/**
 * Containers and TTL nodes (ZooKeeper 3.5.3+), as a standalone 3.8 creates and marks them.
 *
 * The node's kind lives in its ephemeralOwner, as in ZooKeeper:
 *   0                      plain persistent node
 *   > 0                    ephemeral node of that session
 *   0x8000000000000000     container (createContainer, op 19, whatever its flag)
 *   0xFF00000000000000|ttl TTL node (createTTL, op 21, flag 5 or 6), ttl in ms, 1 .. 2^40-1
 *
 * TTL nodes need `zookeeper.extendedTypesEnabled`. Checked before the path, as ZooKeeper checks them: a TTL flag
 * with extended types off is UNIMPLEMENTED (-6) whatever the op; otherwise a TTL flag needs a TTL in range and
 * any other flag needs none (createTTL sends one), else BADARGUMENTS (-8). Containers and TTL nodes may have
 * children; the container manager (container-manager.ts) deletes them once empty.
 *
 * Implements: zk.containers, zk.ttl-nodes.
 */
import { Err, KeeperError } from './error-codes.ts';
import type { CreateFlags } from './create-mode.ts';
import { OpCode } from './op-codes.ts';

export const CONTAINER_OWNER = -(1n << 63n);
const TTL_MARK = 0xffn << 56n;
export const MAX_TTL_MS = (1n << 40n) - 1n;
/** No TTL (what a plain create carries). */
export const NO_TTL = -1n;

export function ttlOwner(ttl: bigint): bigint {
  return BigInt.asIntN(64, TTL_MARK | ttl);
}

export type NodeKind = { readonly kind: 'normal' } | { readonly kind: 'ephemeral' } | { readonly kind: 'container' } | { readonly kind: 'ttl'; readonly ttlMs: bigint };

/** What ephemeralOwner says about a node. */
export function kindOf(owner: bigint): NodeKind {
  if (owner === 0n) return { kind: 'normal' };
  if (owner > 0n) return { kind: 'ephemeral' };
  if (owner === CONTAINER_OWNER) return { kind: 'container' };
  if (BigInt.asUintN(64, owner) >> 56n === 0xffn) return { kind: 'ttl', ttlMs: BigInt.asUintN(64, owner) & ((1n << 56n) - 1n) };
  return { kind: 'normal' };
}

/**
 * ZooKeeper's validateCreateRequest: TTL flags against the extended-types switch and the TTL's range. A
 * createTTL without a TTL flag is BADARGUMENTS whatever its TTL (ZooKeeper 3.8 accepts one with TTL -1 and then
 * stops answering every client: the reference refuses it instead).
 */
export function checkTtl(op: number, mode: CreateFlags, ttl: bigint, path: string, extendedTypes: boolean): void {
  if (mode.ttl && !extendedTypes) throw new KeeperError(Err.UNIMPLEMENTED, `${path}: TTL nodes need zookeeper.extendedTypesEnabled=true`);
  const fits = mode.ttl ? ttl > 0n && ttl <= MAX_TTL_MS : ttl < 0n && op !== OpCode.createTTL;
  if (!fits) throw new KeeperError(Err.BADARGUMENTS, `${path}: TTL ${ttl} does not fit create mode and op ${op}`);
}

/** The ephemeralOwner a create gives its node: decided by the op code, then the flags. */
export function ownerFor(op: number, mode: CreateFlags, ttl: bigint, sessionId: bigint): bigint {
  if (op === OpCode.createContainer) return CONTAINER_OWNER;
  if (op === OpCode.createTTL) return ttlOwner(ttl);
  return mode.ephemeral ? sessionId : 0n;
}
