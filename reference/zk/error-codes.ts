/**
 * KeeperException codes as they travel in ReplyHeader.err (ZooKeeper's values). An error reply carries no body.
 */
export const Err = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  BADARGUMENTS: -8,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  NOWATCHER: -121,
  RECONFIGDISABLED: -123,
  QUOTAEXCEEDED: -125,
} as const;

export type ErrCode = (typeof Err)[keyof typeof Err];

const NAMES = new Map<number, string>(Object.entries(Err).map(([name, code]) => [code, name]));

export function errName(code: number): string {
  return NAMES.get(code) ?? `error ${code}`;
}

/** An expected failure of a tree operation; the server turns it into ReplyHeader.err. */
export class KeeperError extends Error {
  readonly code: ErrCode;

  constructor(code: ErrCode, path?: string) {
    super(path === undefined ? errName(code) : `${errName(code)} for ${path}`);
    this.name = 'KeeperError';
    this.code = code;
  }
}
