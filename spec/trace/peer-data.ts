/**
 * The bytes a peer sent, carried by `peerSend` as hex so that invariants can re-frame the stream the factory
 * read (frame payloads, four-letter words, bad length prefixes) and compare it with what the handler was given.
 * Only chunks up to PEER_DATA_MAX bytes carry them; a stream with a chunk without data is not re-framed.
 */

export const PEER_DATA_MAX = 65_536;

/** Every byte's two hex digits, and every hex digit's value (-1: not one): the simulation converts every peer send. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const DIGIT_VALUES = Int8Array.from({ length: 128 }, (_, c) => {
  const digit = Number.parseInt(String.fromCharCode(c), 16);
  return Number.isNaN(digit) ? -1 : digit;
});

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!];
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const high = DIGIT_VALUES[hex.charCodeAt(2 * i)] ?? -1;
    const low = DIGIT_VALUES[hex.charCodeAt(2 * i + 1)] ?? -1;
    // A pair that is not two hex digits reads as parseInt reads it (a leading digit alone, or 0), as it always has.
    out[i] = high >= 0 && low >= 0 ? (high << 4) | low : Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/** The optional `data` field of a peerSend for `bytes`. */
export function sentData(bytes: Uint8Array): { data?: string } {
  return bytes.length > 0 && bytes.length <= PEER_DATA_MAX ? { data: bytesToHex(bytes) } : {};
}
