/**
 * Wraps any RequestHandler so that the harness sees the handler boundary itself, in both directions, instead of
 * taking the factory's word for it: each frame or four-letter word the factory hands over (handlerCall, with the
 * payload's digest), its end (handlerReturn, with `threw`), each ServerConnection method the handler calls
 * (handlerAct; sends carry the running digest of everything the handler sent on that connection) and each
 * connectionClosed. The handler sees one stable wrapper per connection, so identity checks keep working.
 */

import type { DisconnectReason } from '../../spec/disconnect-reasons.ts';
import type { RequestHandler, ServerCnxnFactory, ServerConnection } from '../../spec/server-cnxn-factory.ts';
import { DIGEST_START, digestHex, digestUpdate } from '../../spec/trace/digest.ts';
import type { HarnessEvent } from '../../spec/trace/events.ts';
import type { SessionCloser } from './handler/conformance-handler.ts';

export type Observe = (event: HarnessEvent) => void;
type Call = 'connectRequest' | 'packet' | 'fourLetterWord';

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)) || 'an exception without a message';
}

/** A connection as the handler sees it: every method reports the act, then delegates. */
class ObservedConnection implements ServerConnection {
  private sentDigest = DIGEST_START;

  constructor(
    private readonly inner: ServerConnection,
    private readonly observe: Observe,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get remoteAddress() {
    return this.inner.remoteAddress;
  }

  sessionId(): bigint {
    return this.inner.sessionId();
  }

  sessionTimeout(): number {
    return this.inner.sessionTimeout();
  }

  setSession(sessionId: bigint, timeoutMs: number): void {
    this.observe({ ev: 'handlerAct', ch: this.id, act: 'setSession', n: timeoutMs });
    this.inner.setSession(sessionId, timeoutMs);
  }

  send(frame: Uint8Array): Promise<void> {
    this.sentDigest = digestUpdate(this.sentDigest, frame);
    this.observe({ ev: 'handlerAct', ch: this.id, act: 'send', n: frame.length, digest: digestHex(this.sentDigest) });
    return this.inner.send(frame);
  }

  sendCloseAfterFlush(reason?: DisconnectReason): Promise<void> {
    this.observe({ ev: 'handlerAct', ch: this.id, act: 'closeAfterFlush', reason: reason ?? 'client_closed_connection' });
    return this.inner.sendCloseAfterFlush(reason);
  }

  close(reason: DisconnectReason): Promise<void> {
    this.observe({ ev: 'handlerAct', ch: this.id, act: 'close', reason });
    return this.inner.close(reason);
  }

  disableRecv(): Promise<void> {
    this.observe({ ev: 'handlerAct', ch: this.id, act: 'disableRecv' });
    return this.inner.disableRecv();
  }

  enableRecv(): Promise<void> {
    this.observe({ ev: 'handlerAct', ch: this.id, act: 'enableRecv' });
    return this.inner.enableRecv();
  }
}

/** `handler`, with every call across its boundary reported through `observe`. */
export function observeHandler(handler: RequestHandler, observe: Observe): RequestHandler {
  const wrappers = new WeakMap<ServerConnection, ObservedConnection>();
  const wrap = (cnxn: ServerConnection) => wrappers.get(cnxn) ?? wrappers.set(cnxn, new ObservedConnection(cnxn, observe)).get(cnxn)!;
  const around = async <T>(cnxn: ServerConnection, call: Call, payload: Uint8Array, body: () => Promise<T>): Promise<T> => {
    observe({ ev: 'handlerCall', ch: cnxn.id, call, n: payload.length, digest: digestHex(digestUpdate(DIGEST_START, payload)) });
    try {
      const result = await body();
      observe({ ev: 'handlerReturn', ch: cnxn.id, call });
      return result;
    } catch (err) {
      observe({ ev: 'handlerReturn', ch: cnxn.id, call, threw: message(err) });
      throw err;
    }
  };
  const fourLetterWord = handler.fourLetterWord?.bind(handler);
  return {
    processConnectRequest: (cnxn, payload) => around(cnxn, 'connectRequest', payload, () => handler.processConnectRequest(wrap(cnxn), payload)),
    processPacket: (cnxn, payload) => around(cnxn, 'packet', payload, () => handler.processPacket(wrap(cnxn), payload)),
    connectionClosed(cnxn, reason) {
      observe({ ev: 'connectionClosed', ch: cnxn.id, reason });
      handler.connectionClosed(wrap(cnxn), reason);
    },
    ...(fourLetterWord && {
      fourLetterWord: (cnxn: ServerConnection, word: string) =>
        around(cnxn, 'fourLetterWord', new TextEncoder().encode(word), () => fourLetterWord(wrap(cnxn), word)),
    }),
  };
}

/** The factory's closeSession as the handler calls it, reported first (with the holder the handler saw) so a close it causes has its cause before it. */
export function observeCloseSession(factory: Pick<ServerCnxnFactory, 'closeSession'>, observe: Observe): SessionCloser {
  return (sessionId, holder, reason) => {
    observe({ ev: 'handlerAct', ch: holder ?? 'none', act: 'closeSession', reason });
    return factory.closeSession(sessionId, reason);
  };
}
