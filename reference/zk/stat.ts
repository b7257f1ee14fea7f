/**
 * Stat: the metadata of a znode, 68 bytes on the wire.
 *   {long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion,
 *    long ephemeralOwner, int dataLength, int numChildren, long pzxid}
 * czxid/mzxid: zxids of the create and the last setData; pzxid: of the last change to the children;
 * version/cversion/aversion: counts of changes to data, children and ACL; ctime/mtime in ms since the epoch.
 *
 * Implements: zk.jute-encoding, zk.data-tree (the metadata every answer carries).
 */
import type { RecordCodec } from './record-codec.ts';

export interface Stat {
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly dataLength: number;
  readonly numChildren: number;
  readonly pzxid: bigint;
}

export const STAT_BYTES = 68;

export const StatCodec: RecordCodec<Stat> = {
  name: 'Stat',
  read: (r) => ({
    czxid: r.long('czxid'),
    mzxid: r.long('mzxid'),
    ctime: r.long('ctime'),
    mtime: r.long('mtime'),
    version: r.int('version'),
    cversion: r.int('cversion'),
    aversion: r.int('aversion'),
    ephemeralOwner: r.long('ephemeralOwner'),
    dataLength: r.int('dataLength'),
    numChildren: r.int('numChildren'),
    pzxid: r.long('pzxid'),
  }),
  write: (w, s) =>
    void w
      .long(s.czxid)
      .long(s.mzxid)
      .long(s.ctime)
      .long(s.mtime)
      .int(s.version)
      .int(s.cversion)
      .int(s.aversion)
      .long(s.ephemeralOwner)
      .int(s.dataLength)
      .int(s.numChildren)
      .long(s.pzxid),
};
