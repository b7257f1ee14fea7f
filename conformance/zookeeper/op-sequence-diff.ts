/**
 * The differential fuzz of well-formed request sequences: one op sequence (op-sequence.ts) played on Apache
 * ZooKeeper 3.8 and on the reference at the same time, each under a root of its own, and the normalised streams
 * (play-normaliser.ts) compared session by session. A difference is reported at the first line where a session's
 * streams part, with a signature (operation and what differed) that groups differences of one cause, and a sequence
 * that shows one can be shrunk to a shorter one that shows the same signature.
 *
 * Both servers run with extended types on (TTL nodes) and a container check so rare it never runs during a play:
 * when a container or TTL node is reaped depends on the clock, not on the requests.
 */
import type { SocketAddress } from '../../spec/runtime.ts';
import { startPair, type ServerPair } from './differential-pair.ts';
import { describeOp, type OpSequence, type ZkOp } from './op-sequence.ts';
import { playSequence, type Play, type PlayOptions } from './op-sequence-player.ts';
import { playLines } from './play-normaliser.ts';

const NEVER_MS = 3_600_000;

export function startOpFuzzPair(): Promise<ServerPair> {
  return startPair({
    properties: { 'zookeeper.extendedTypesEnabled': 'true', 'znode.container.checkIntervalMs': String(NEVER_MS) },
    server: { extendedTypesEnabled: true, containerCheckIntervalMs: NEVER_MS },
  });
}

export interface Difference {
  /** Groups differences of one cause: the operation, and what differed. */
  readonly signature: string;
  /** The sequence, its lines side by side up to the first difference, for a person to read. */
  readonly report: string;
}

const opName = (op: ZkOp | undefined): string => {
  if (op === undefined) return 'end of play';
  if (op.kind === 'read') return op.op;
  if (op.kind === 'create') return `${op.op} flags ${op.flags}`;
  return op.kind;
};

/** The op a stream line is about: its reply's, or for other lines the last op the session sent before it. */
function opBehind(sequence: OpSequence, session: number, lines: readonly string[], index: number): ZkOp | undefined {
  for (let i = Math.min(index, lines.length - 1); i >= 0; i--) {
    const match = /^#(\d+) /.exec(lines[i] ?? '');
    if (match) return i === index ? sequence.ops[Number(match[1]) - 1] : undefined;
  }
  return sequence.ops.find((op) => op.session === session);
}

function aspect(a: string | undefined, b: string | undefined): string {
  const [ka, kb] = [a?.split(' ')[0] ?? 'nothing', b?.split(' ')[0] ?? 'nothing'];
  if (ka.startsWith('#') && kb.startsWith('#')) {
    const [ea, eb] = [a?.split(' ')[1], b?.split(' ')[1]];
    if (ea !== eb) return `${ea} vs ${eb}`;
    return a?.split(' ').slice(0, 4).join(' ') === b?.split(' ').slice(0, 4).join(' ') ? 'body' : 'reply zxid';
  }
  const kind = (k: string, line?: string) => (k.startsWith('#') ? 'reply' : k === 'event' ? `event ${line?.split(' ')[2]}` : k);
  return `${kind(ka, a)} vs ${kind(kb, b)}`;
}

/** The first difference between two plays of `sequence`, or undefined when they agree. */
export function comparePlays(sequence: OpSequence, zookeeper: Play, reference: Play): Difference | undefined {
  const [za, ra] = [playLines(zookeeper), playLines(reference)];
  for (let s = 0; s < sequence.sessions; s++) {
    const [z, r] = [za[s] ?? [], ra[s] ?? []];
    const at = z.findIndex((line, i) => line !== r[i]);
    const index = at >= 0 ? at : z.length < r.length ? z.length : -1;
    if (index < 0) continue;
    const op = opBehind(sequence, s, z[index] !== undefined ? z : r, index);
    const signature = `${opName(op)}: ${aspect(z[index], r[index])}`;
    const side = (lines: readonly string[]) => lines.slice(0, index + 1).map((l, i) => `      ${i === index ? '>' : ' '} ${l}`);
    const report = [
      `sequence (${sequence.sessions} session(s)):`,
      ...sequence.ops.map((o, i) => `  #${i + 1} ${describeOp(o)}`),
      `session s${s}, first difference at its line ${index + 1}:`,
      '    ZooKeeper:',
      ...side(z),
      '    reference:',
      ...side(r),
    ].join('\n');
    return { signature, report };
  }
  return undefined;
}

type Targets = { readonly zookeeper: SocketAddress; readonly reference: SocketAddress };

let plays = 0;
const runTag = Math.random().toString(36).slice(2, 8);

/** Plays `sequence` on both servers at once, each under a fresh root, and compares. */
export async function diffSequence(pair: Targets, sequence: OpSequence, options: PlayOptions = {}): Promise<Difference | undefined> {
  const root = `/opfuzz-${runTag}-${++plays}`;
  const [z, r] = await Promise.all([playSequence(pair.zookeeper, sequence, root, options), playSequence(pair.reference, sequence, root, options)]);
  return comparePlays(sequence, z, r);
}

/** Smaller variants of a sequence: one op fewer, one multi operation fewer, one session fewer. */
function* smaller(sequence: OpSequence): Generator<OpSequence> {
  for (let i = sequence.ops.length - 1; i >= 0; i--) {
    if (sequence.ops.length > 1) yield { ...sequence, ops: sequence.ops.filter((_, j) => j !== i) };
    const op = sequence.ops[i]!;
    if (op.kind === 'multi' || op.kind === 'multiRead') {
      for (let k = 0; k < op.ops.length; k++) {
        const ops = (op.ops as readonly unknown[]).filter((_, j) => j !== k);
        yield { ...sequence, ops: sequence.ops.map((o, j) => (j === i ? ({ ...op, ops } as ZkOp) : o)) };
      }
    }
  }
  const top = sequence.sessions - 1;
  if (top > 0 && sequence.ops.every((op) => op.session !== top)) yield { ...sequence, sessions: top };
}

/** Greedily shrinks `sequence` while it still shows a difference with `signature`; at most `budget` plays. */
export async function shrinkSequence(
  pair: Targets,
  sequence: OpSequence,
  signature: string,
  budget = 150,
  options: PlayOptions = {},
): Promise<{ sequence: OpSequence; difference: Difference | undefined }> {
  let best = sequence;
  let difference = await diffSequence(pair, sequence, options);
  let tries = 0;
  let improved = true;
  while (improved && tries < budget) {
    improved = false;
    for (const candidate of smaller(best)) {
      if (++tries > budget) break;
      const found = await diffSequence(pair, candidate, options);
      if (found?.signature === signature) {
        best = candidate;
        difference = found;
        improved = true;
        break;
      }
    }
  }
  return { sequence: best, difference };
}
