/**
 * The per-field sanity limit of jute decoding. ZooKeeper reads `jute.maxbuffer` (the frame limit, default
 * 1,048,575) and `zookeeper.jute.maxbuffer.extrasize` (default: the same value, at least 1024) and refuses any
 * buffer or string length above their sum. Frames are already capped at jute.maxbuffer by the factory, so the
 * limit matters most for the ConnectRequest and for callers decoding bytes that did not come through a factory.
 */
import { JUTE_MAXBUFFER } from '../../spec/knobs.ts';

export interface JuteLimits {
  /** jute.maxbuffer. */
  readonly maxBuffer: number;
  /** zookeeper.jute.maxbuffer.extrasize. */
  readonly extraSize: number;
}

const MIN_EXTRA_SIZE = 1024;

export function juteLimits(maxBuffer = JUTE_MAXBUFFER, extraSize?: number): JuteLimits {
  return { maxBuffer, extraSize: Math.max(extraSize ?? maxBuffer, MIN_EXTRA_SIZE) };
}

export const DEFAULT_JUTE_LIMITS: JuteLimits = juteLimits();

/** The largest length a buffer, string or vector may announce. */
export function fieldLimit(limits: JuteLimits): number {
  return limits.maxBuffer + limits.extraSize;
}
