/**
 * JuteError: a record on the wire that cannot be decoded. It is a CnxnspecError with the stable code
 * CNXNSPEC_ERR_FRAME, plus what went wrong in a form the server can log and tests can match on:
 * - `truncated`: a field runs past the end of the payload (the peer sent fewer bytes than the record needs);
 * - `length`: a buffer, string or vector announces a length outside 0..limit (-1, meaning null, is allowed),
 *   ZooKeeper's "unreasonable length" check, which stops a 4-byte field from making us reserve gigabytes;
 * - `malformed`: the bytes decode but make no sense (an unknown op type inside a multi).
 *
 * Implements: zk.jute-encoding (its error half).
 */
import { CnxnspecError } from '../../spec/errors.ts';

export type JuteErrorKind = 'truncated' | 'length' | 'malformed';

export class JuteError extends CnxnspecError {
  readonly kind: JuteErrorKind;

  constructor(kind: JuteErrorKind, message: string) {
    super('CNXNSPEC_ERR_FRAME', message);
    this.name = 'JuteError';
    this.kind = kind;
  }
}

export function truncated(what: string, at: number, need: number, left: number): JuteError {
  return new JuteError('truncated', `record truncated: ${what} at byte ${at} needs ${need} byte(s), only ${left} left`);
}

export function unreasonableLength(what: string, len: number, limit: number): JuteError {
  return new JuteError('length', `unreasonable length ${len} for ${what}: allowed are -1 (null) and 0..${limit} (jute.maxbuffer + extrasize)`);
}

export function malformed(message: string): JuteError {
  return new JuteError('malformed', message);
}
