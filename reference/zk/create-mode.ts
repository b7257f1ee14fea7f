/**
 * Create flags: bit 0 = ephemeral, bit 1 = sequential (0 persistent, 1 ephemeral, 2 persistent sequential,
 * 3 ephemeral sequential). Containers (4) and TTL nodes (5, 6) are not supported: they fail with BADARGUMENTS.
 */
import { Err, KeeperError } from './error-codes.ts';

export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
} as const;

export interface CreateFlags {
  readonly ephemeral: boolean;
  readonly sequential: boolean;
}

export function parseCreateFlags(flags: number, path: string): CreateFlags {
  if (!Number.isInteger(flags) || flags < 0 || flags > 3) {
    throw new KeeperError(Err.BADARGUMENTS, `${path} (create flags ${flags}: only 0..3 are supported; containers and TTL nodes are not)`);
  }
  return { ephemeral: (flags & 1) !== 0, sequential: (flags & 2) !== 0 };
}

/** The suffix of a sequential node: the parent's cversion, zero-padded to 10 digits. */
export function sequenceSuffix(parentCversion: number): string {
  return parentCversion < 0 ? `-${String(-parentCversion).padStart(9, '0')}` : String(parentCversion).padStart(10, '0');
}
