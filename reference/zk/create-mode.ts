/**
 * Create flags (ZooKeeper's CreateMode numbers): 0 persistent, 1 ephemeral, 2 persistent sequential, 3 ephemeral
 * sequential, 4 container, 5 persistent with TTL, 6 persistent sequential with TTL; anything else is BADARGUMENTS.
 * What a node becomes is decided by the op code as much as by the flag, as in ZooKeeper 3.8: a container is
 * whatever createContainer (19) creates, a TTL node whatever createTTL (21) creates; flag 4 on a plain create
 * makes a plain persistent node (see extended-create.ts).
 */
import { Err, KeeperError } from './error-codes.ts';

export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

export interface CreateFlags {
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly container: boolean;
  readonly ttl: boolean;
}

export function parseCreateFlags(flags: number, path: string): CreateFlags {
  if (!Number.isInteger(flags) || flags < 0 || flags > 6) {
    throw new KeeperError(Err.BADARGUMENTS, `${path} (create flags ${flags}: CreateMode is 0..6)`);
  }
  return {
    ephemeral: flags === CreateMode.EPHEMERAL || flags === CreateMode.EPHEMERAL_SEQUENTIAL,
    sequential: flags === CreateMode.PERSISTENT_SEQUENTIAL || flags === CreateMode.EPHEMERAL_SEQUENTIAL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
    container: flags === CreateMode.CONTAINER,
    ttl: flags === CreateMode.PERSISTENT_WITH_TTL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
  };
}

/** The suffix of a sequential node: the parent's count of child creates, zero-padded to 10 digits. */
export function sequenceSuffix(parentCversion: number): string {
  return parentCversion < 0 ? `-${String(-parentCversion).padStart(9, '0')}` : String(parentCversion).padStart(10, '0');
}
