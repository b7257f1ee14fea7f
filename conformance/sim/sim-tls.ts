/**
 * The simulation's abstract TLS handshake. A channel of a TLS listening socket must see, before any byte counts
 * as data, the peer's ClientHello record, answer it with a ServerHello record, then see the peer's Finished
 * record. Each record is 6 bytes that look like a TLS handshake record (content type 0x16), so a plaintext peer
 * (a ZooKeeper length prefix starts 0x00) fails at its first byte. The handshake advances inside the server's
 * read() calls, one scheduling point each, so generated interleavings include handshakes, slow ones and peers
 * that never finish one. No cryptography: what is modelled is the ordering, not the secrecy.
 */
import { RuntimeIOError } from '../../spec/errors.ts';
import type { TlsState } from '../../spec/runtime.ts';
import type { TestPeer } from '../suites/runtime-harness.ts';
import type { Connection } from './connection.ts';

export const SIM_TLS_RECORD_BYTES = 6;
export const SIM_CLIENT_HELLO = Uint8Array.of(0x16, 0x03, 0x03, 0x00, 0x01, 0x01);
export const SIM_SERVER_HELLO = Uint8Array.of(0x16, 0x03, 0x03, 0x00, 0x01, 0x02);
export const SIM_CLIENT_FINISHED = Uint8Array.of(0x16, 0x03, 0x03, 0x00, 0x01, 0x14);

const TLS_HANDSHAKE_CONTENT_TYPE = 0x16;

/** What one handshake step did: nothing to report, completed, or failed (with the reason). */
export type HandshakeStep = { readonly kind: 'progress' } | { readonly kind: 'done' } | { readonly kind: 'failed'; readonly error: string };

/** The server side of one channel's handshake. */
export class SimTlsServerSession {
  private stateValue: TlsState = 'handshaking';
  private expecting: Uint8Array = SIM_CLIENT_HELLO;
  private readonly record = new Uint8Array(SIM_TLS_RECORD_BYTES);
  private filled = 0;
  private unsent = new Uint8Array(0);
  private failure: string | undefined;

  get state(): TlsState {
    return this.stateValue;
  }

  /** The error a read reports once the handshake has failed. */
  error(ch: string): RuntimeIOError {
    return new RuntimeIOError('EPROTO', `${ch}: TLS handshake failed: ${this.failure ?? 'unknown'}`);
  }

  /** Server-side read while handshaking: consumes handshake bytes the peer sent, answers the ClientHello. */
  step(conn: Connection): HandshakeStep {
    this.flush(conn);
    for (;;) {
      let n: number;
      try {
        n = conn.serverRead(this.record.subarray(this.filled));
      } catch (err) {
        return this.fail(`connection reset during the handshake (${(err as Error).message})`);
      }
      if (n < 0) return this.fail('the peer closed during the handshake');
      if (n === 0) return { kind: 'progress' };
      if (this.filled === 0 && this.record[0] !== TLS_HANDSHAKE_CONTENT_TYPE) {
        return this.fail(`not a TLS record: first byte 0x${(this.record[0] as number).toString(16).padStart(2, '0')} (a plaintext client?)`);
      }
      this.filled += n;
      if (this.filled < SIM_TLS_RECORD_BYTES) continue;
      this.filled = 0;
      if (!this.record.every((b, i) => b === this.expecting[i])) return this.fail('unexpected handshake record');
      if (this.expecting === SIM_CLIENT_HELLO) {
        this.expecting = SIM_CLIENT_FINISHED;
        this.unsent = SIM_SERVER_HELLO;
        this.flush(conn);
        continue;
      }
      this.stateValue = 'done';
      return { kind: 'done' };
    }
  }

  private flush(conn: Connection): void {
    if (this.unsent.length === 0) return;
    const n = conn.serverWrite(this.unsent);
    this.unsent = this.unsent.subarray(n);
  }

  private fail(error: string): HandshakeStep {
    this.stateValue = 'failed';
    this.failure = error;
    return { kind: 'failed', error };
  }
}

/** The client side, for test bodies: ClientHello, wait for the ServerHello, Finished. `pauseMs` slows it down. */
export async function simTlsClientHandshake(peer: TestPeer, pause?: () => Promise<void>): Promise<void> {
  await peer.send(SIM_CLIENT_HELLO);
  const hello = await peer.receive(SIM_TLS_RECORD_BYTES);
  if (!hello.every((b, i) => b === SIM_SERVER_HELLO[i])) throw new Error(`expected the simulated ServerHello, got ${hello.length} other byte(s)`);
  await pause?.();
  await peer.send(SIM_CLIENT_FINISHED);
}
