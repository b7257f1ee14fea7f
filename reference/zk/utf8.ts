/**
 * Text for jute `ustring` fields. Encoding is standard UTF-8. Decoding accepts standard UTF-8 and also the
 * CESU-8 form that Java's jute writer produces for characters outside the BMP (each UTF-16 surrogate encoded
 * on its own as 3 bytes), so a path written by a Java client and the same path written by a Node client name
 * the same znode. Bytes that are not UTF-8 at all become U+FFFD, as a lenient Java decoder would make them.
 */

const encoder = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const REPLACEMENT = 0xfffd;

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** Decodes UTF-8, or CESU-8 and stray bytes through the slow path. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeLenient(bytes);
  }
}

/** Decodes UTF-8 or CESU-8 into UTF-16 code units; consecutive encoded surrogates pair up by themselves. */
export function decodeLenient(bytes: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      units.push(b0);
      i += 1;
    } else if (b0 >= 0xc2 && b0 < 0xe0 && isContinuation(bytes[i + 1])) {
      units.push(((b0 & 0x1f) << 6) | ((bytes[i + 1] as number) & 0x3f));
      i += 2;
    } else if (b0 >= 0xe0 && b0 < 0xf0 && isContinuation(bytes[i + 1]) && isContinuation(bytes[i + 2])) {
      const cp = ((b0 & 0x0f) << 12) | (((bytes[i + 1] as number) & 0x3f) << 6) | ((bytes[i + 2] as number) & 0x3f);
      // Overlong 3-byte forms are invalid; encoded surrogates (0xd800..0xdfff) are the CESU-8 case and allowed.
      units.push(cp < 0x800 ? REPLACEMENT : cp);
      i += 3;
    } else if (b0 >= 0xf0 && b0 < 0xf5 && isContinuation(bytes[i + 1]) && isContinuation(bytes[i + 2]) && isContinuation(bytes[i + 3])) {
      const cp =
        ((b0 & 0x07) << 18) | (((bytes[i + 1] as number) & 0x3f) << 12) | (((bytes[i + 2] as number) & 0x3f) << 6) | ((bytes[i + 3] as number) & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) {
        units.push(REPLACEMENT);
      } else {
        const v = cp - 0x10000;
        units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
      }
      i += 4;
    } else {
      units.push(REPLACEMENT);
      i += 1;
    }
  }
  // Chunked, because String.fromCharCode takes its units as arguments and long paths would overflow the stack.
  let out = '';
  for (let at = 0; at < units.length; at += 8192) out += String.fromCharCode(...units.slice(at, at + 8192));
  return out;
}
