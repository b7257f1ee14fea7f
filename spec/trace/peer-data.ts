/**
 * The bytes a peer sent, carried by `peerSend` as hex so that invariants can re-frame the stream the factory
 * read (frame payloads, four-letter words, bad length prefixes) and compare it with what the handler was given.
 * Only chunks up to PEER_DATA_MAX bytes carry them; a stream with a chunk without data is not re-framed.
 */

export const PEER_DATA_MAX = 65_536;

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The optional `data` field of a peerSend for `bytes`. */
export function sentData(bytes: Uint8Array): { data?: string } {
  return bytes.length > 0 && bytes.length <= PEER_DATA_MAX ? { data: bytesToHex(bytes) } : {};
}
