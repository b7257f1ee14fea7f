/**
 * The xid of a request or reply frame: the big-endian int32 at `offset` (0 in a request payload, 4 in a reply
 * frame after its length), or 0 when the frame is too short to have one. Both factories count requests with
 * xid > 0 against globalOutstandingLimit. Read by hand: a DataView per frame showed in profiles.
 */
export function frameXid(bytes: Uint8Array, offset: number): number {
  if (bytes.length < offset + 4) return 0;
  return ((bytes[offset] as number) << 24) | ((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number);
}
