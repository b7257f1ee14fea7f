/**
 * The running digest that `outgoing` facts and `peerRecv` events carry: 32-bit FNV-1a over every byte of the
 * stream so far, as 8 hex digits. Both ends continue the same state across chunks, so two digests agree exactly
 * when the two streams agree up to that length, whatever the chunking.
 */

export const DIGEST_START = 0x811c9dc5;

/** Continues `state` over `bytes`. */
export function digestUpdate(state: number, bytes: Uint8Array): number {
  let h = state;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function digestHex(state: number): string {
  return state.toString(16).padStart(8, '0');
}
