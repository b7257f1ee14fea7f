import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeConnectResponse, frame } from '../../reference/server/frames.ts';
import type { PeerConnection } from '../sim/index.ts';
import { connectionModels } from './expected-replies.ts';
import { checkPeerReplies } from './expected-replies-check.ts';
import { pingReplyFrame, replyFrame, requestBody } from './handler/requests.ts';
import type { PeerPlan } from './scenario.ts';
import { concatBytes } from '../sim/byte-queue.ts';

const plan: PeerPlan = {
  ip: '10.0.0.1',
  at: 0,
  receiveWindow: 65_536,
  steps: [{ kind: 'handshake', timeout: 6_000, chunks: [] }, { kind: 'requests', sizes: [3, 5], chunks: [] }, { kind: 'ping' }],
};
const handshake = frame(encodeConnectResponse({ protocolVersion: 0, timeOut: 6_000, sessionId: 7n, passwd: new Uint8Array(16) }));
const reply1 = replyFrame('echo', 1, requestBody(1, 3))!;
const reply2 = replyFrame('echo', 2, requestBody(2, 5))!;

function connection(bytes: Uint8Array, serverClosed?: 'fin'): PeerConnection {
  return { ch: 'ch0', received: () => bytes, serverClosed: () => serverClosed, peerEnded: () => undefined };
}

function check(bytes: Uint8Array, atRest: boolean, serverClosed?: 'fin') {
  return checkPeerReplies({
    peer: 'peer 10.0.0.1#0',
    models: connectionModels(plan, 1_048_575),
    connections: [connection(bytes, serverClosed)],
    ...(atRest ? { atRest: [{ received: bytes, ended: serverClosed !== undefined }] } : {}),
    handshakeReply: () => handshake,
    trace: [],
    restLength: 0,
  });
}

test('[wire.order] the peers accept exactly the replies the handler sends, in order', () => {
  assert.deepEqual(check(concatBytes([handshake, reply1, reply2, pingReplyFrame()]), true), []);
});

test('[wire.order] the peers flag replies out of order, and name the reply', () => {
  const [problem] = check(concatBytes([handshake, reply2, reply1, pingReplyFrame()]), true);
  assert.ok(problem);
  assert.match(problem.message, /the reply to echo xid 1/);
  assert.ok(problem.requirements.includes('wire.order'));
});

test('[cnxn.outgoing-buffers] the peers flag a reply missing at rest on an open connection, not on a closed one', () => {
  const cut = concatBytes([handshake, reply1]);
  assert.match(check(cut, true)[0]?.message ?? '', /the reply to echo xid 2 .* never arrived/);
  assert.deepEqual(check(cut, true, 'fin'), []);
  assert.deepEqual(check(cut, false), []);
});

test('[cnxn.outgoing-buffers] the peers flag bytes after the last reply', () => {
  const [problem] = check(concatBytes([handshake, reply1, reply2, pingReplyFrame(), new Uint8Array([1])]), true);
  assert.match(problem?.message ?? '', /1 unexpected byte\(s\) arrived after the last reply/);
});

test('[cnxn.four-letter-word] a taken word is its answer and then a close; bytes after it are flagged', () => {
  const word: PeerPlan = { ...plan, steps: [{ kind: 'word', word: 'ruok', again: true }] };
  const run = (bytes: Uint8Array, closed?: 'fin') =>
    checkPeerReplies({
      peer: 'p',
      models: connectionModels(word, 1_048_575),
      connections: [connection(bytes, closed)],
      atRest: [{ received: bytes, ended: closed !== undefined }],
      handshakeReply: () => undefined,
      trace: [],
      restLength: 0,
    });
  const imok = new TextEncoder().encode('imok');
  assert.deepEqual(run(imok, 'fin'), []);
  assert.match(run(imok)[0]?.message ?? '', /the close after the answer to ruok .* never came/);
  assert.match(run(concatBytes([imok, imok]), 'fin')[0]?.message ?? '', /unexpected byte\(s\) arrived after the close after the answer to ruok/);
});
