/**
 * The two records of the connect handshake. They travel without a RequestHeader/ReplyHeader.
 *
 *   ConnectRequest  {int protocolVersion, long lastZxidSeen, int timeOut, long sessionId, buffer passwd, [boolean readOnly]}
 *   ConnectResponse {int protocolVersion, int timeOut, long sessionId, buffer passwd, [boolean readOnly]}
 *
 * The trailing readOnly byte is optional: clients older than 3.4 leave it out (44-byte request body instead of
 * 45), and a server answers in kind (36-byte response instead of 37). Its absence is `readOnly: undefined`.
 *
 * Implements: zk.jute-encoding, wire.handshake (the record shapes).
 */
import type { RecordCodec } from './record-codec.ts';

export const PASSWORD_BYTES = 16;

export interface ConnectRequest {
  readonly protocolVersion: number;
  readonly lastZxidSeen: bigint;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  readonly readOnly?: boolean;
}

export interface ConnectResponse {
  readonly protocolVersion: number;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  readonly readOnly?: boolean;
}

export const ConnectRequestCodec: RecordCodec<ConnectRequest> = {
  name: 'ConnectRequest',
  read(r) {
    const base = {
      protocolVersion: r.int('protocolVersion'),
      lastZxidSeen: r.long('lastZxidSeen'),
      timeOut: r.int('timeOut'),
      sessionId: r.long('sessionId'),
      passwd: r.buffer('passwd') ?? new Uint8Array(0),
    };
    // The optional byte is there iff bytes are left, which is how ZooKeeper tells old clients apart.
    return r.remaining() > 0 ? { ...base, readOnly: r.bool('readOnly') } : base;
  },
  write(w, v) {
    w.int(v.protocolVersion).long(v.lastZxidSeen).int(v.timeOut).long(v.sessionId).buffer(v.passwd);
    if (v.readOnly !== undefined) w.bool(v.readOnly);
  },
};

export const ConnectResponseCodec: RecordCodec<ConnectResponse> = {
  name: 'ConnectResponse',
  read(r) {
    const base = {
      protocolVersion: r.int('protocolVersion'),
      timeOut: r.int('timeOut'),
      sessionId: r.long('sessionId'),
      passwd: r.buffer('passwd') ?? new Uint8Array(0),
    };
    return r.remaining() > 0 ? { ...base, readOnly: r.bool('readOnly') } : base;
  },
  write(w, v) {
    w.int(v.protocolVersion).int(v.timeOut).long(v.sessionId).buffer(v.passwd);
    if (v.readOnly !== undefined) w.bool(v.readOnly);
  },
};
