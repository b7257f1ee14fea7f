/**
 * The answer model: what the conformance handler sends on each connection a scripted peer opens, in order,
 * derived from what the peer sends (its plan) and the handler's rules (handler/requests.ts). One ConnectionModel
 * per connection (a reconnect opens another). The ConnectResponse is the one reply a peer cannot predict (the
 * session id is the handler's choice), so the model names it and the check takes its bytes from the handler.
 *
 * What the model allows, so that legitimate behaviour is never flagged:
 * - the server may end any connection at any point (expiry, stop, a limit, an error, a reconnect elsewhere):
 *   what arrived must then be a prefix of the model, no more;
 * - a reply may be missing at rest only if the server or the peer ended the connection, or a request made the
 *   rest optional (`fail`: the factory may close on a handler error; `kick`: the handler's close drops queued
 *   output);
 * - after a closeSession reply, a bye, a four-letter word or a frame failing the length check the server closes,
 *   and nothing may follow.
 */
import { fourLetterAnswer } from './handler/four-letter-words.ts';
import { closeSessionReplyFrame, pingReplyFrame, replyFrame, requestBody, type RequestKind } from './handler/requests.ts';
import type { PeerPlan } from './scenario.ts';

/** Request header bytes in a payload (xid, type); a request's payload is this plus its body. */
const REQUEST_HEADER_BYTES = 8;
/** A ConnectRequest payload: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (length + 16). */
const CONNECT_REQUEST_BYTES = 4 + 8 + 4 + 8 + 4 + 16;

export type ExpectedReply =
  | { readonly kind: 'bytes'; readonly what: string; readonly requirements: readonly string[]; readonly bytes: Uint8Array }
  /** The ConnectResponse the handler chose; a refusal (session 0) is followed by a close. */
  | { readonly kind: 'handshake'; readonly what: string }
  /** The server closes here; `required`: it must have by rest. Nothing follows a close. */
  | { readonly kind: 'close'; readonly what: string; readonly requirements: readonly string[]; readonly required: boolean };

export interface ConnectionModel {
  readonly replies: readonly ExpectedReply[];
  /** Every reply must have arrived by rest unless the connection was ended. */
  readonly complete: boolean;
}

const REPLY = ['wire.order', 'cnxn.outgoing-buffers'];

export function connectionModels(plan: PeerPlan, juteMaxBuffer: number): ConnectionModel[] {
  const models: ConnectionModel[] = [];
  let replies: ExpectedReply[] = [];
  let complete = true;
  let closed = false;
  let xid = 1;
  const add = (reply: ExpectedReply) => {
    if (closed) return;
    replies.push(reply);
    if (reply.kind === 'close') closed = true;
  };
  const lengthCheck = (length: number, what: string) =>
    add({ kind: 'close', what: `the close for ${what} (length ${length}, juteMaxBuffer ${juteMaxBuffer})`, requirements: ['cnxn.framing', 'wire.bad-frame'], required: true });
  const tooLong = (length: number) => length < 0 || length > juteMaxBuffer;
  const request = (kind: RequestKind, size: number) => {
    const n = xid++;
    if (tooLong(REQUEST_HEADER_BYTES + size)) return lengthCheck(REQUEST_HEADER_BYTES + size, `request xid ${n}`);
    const reply = replyFrame(kind, n, requestBody(n, size));
    if (reply) add({ kind: 'bytes', what: `the reply to ${kind} xid ${n} (${reply.length} bytes)`, requirements: REPLY, bytes: reply });
    if (kind === 'fail' || kind === 'kick') complete = false;
    if (kind === 'kick') add({ kind: 'close', what: `the close after kick xid ${n}`, requirements: ['cnxn.close'], required: false });
    if (kind === 'bye') add({ kind: 'close', what: `the close after flush for bye xid ${n}`, requirements: ['cnxn.close', 'cnxn.outgoing-buffers'], required: true });
  };

  for (const step of plan.steps) {
    if (step.kind === 'reconnect') {
      models.push({ replies, complete });
      replies = [];
      complete = true;
      closed = false;
    }
    switch (step.kind) {
      case 'reconnect':
      case 'handshake':
        if (tooLong(CONNECT_REQUEST_BYTES)) lengthCheck(CONNECT_REQUEST_BYTES, 'the ConnectRequest');
        else add({ kind: 'handshake', what: 'the ConnectResponse' });
        if (step.kind === 'handshake') for (const size of step.then ?? []) request('echo', size);
        break;
      case 'requests':
        step.sizes.forEach((size, i) => request(step.kinds?.[i] ?? 'echo', size));
        break;
      case 'ping':
        add({ kind: 'bytes', what: 'the ping reply', requirements: ['wire.ping', ...REPLY], bytes: pingReplyFrame() });
        break;
      case 'closeSession': {
        const n = xid++;
        add({ kind: 'bytes', what: `the closeSession reply xid ${n}`, requirements: REPLY, bytes: closeSessionReplyFrame(n) });
        add({ kind: 'close', what: `the close after closeSession xid ${n}`, requirements: ['cnxn.close'], required: true });
        break;
      }
      case 'word': {
        const answer = fourLetterAnswer(step.word);
        if (answer === undefined) {
          lengthCheck(wordAsLength(step.word), `the declined word ${step.word}`);
          break;
        }
        add({ kind: 'bytes', what: `the answer to ${step.word}`, requirements: ['cnxn.four-letter-word'], bytes: new TextEncoder().encode(answer) });
        add({ kind: 'close', what: `the close after the answer to ${step.word}${step.again ? ' (a second word was sent, and must not be answered)' : ''}`, requirements: ['cnxn.four-letter-word', 'cnxn.close'], required: true });
        break;
      }
      case 'badLength':
        if (tooLong(step.length)) lengthCheck(step.length, 'a bad frame length');
        break;
      case 'halfClose':
      case 'close':
      case 'reset':
        complete = false;
        break;
      default:
        break;
    }
  }
  models.push({ replies, complete });
  return models;
}

function wordAsLength(word: string): number {
  const bytes = new TextEncoder().encode(word);
  return new DataView(bytes.buffer).getInt32(0, false);
}
