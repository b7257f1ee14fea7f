/**
 * Replay tokens: one short line that reproduces a run exactly.
 *
 *   token    = "c1" "." "s" seed "." strategy [ "." choices ]
 *   seed     = a safe integer in decimal, e.g. 42 or -7
 *   strategy = "r"            random walk
 *            | "p" depth      PCT with bug depth d, 1 to 99 (pct.ts)
 *            | "o"            POS, partial order sampling (pos.ts); choices are its priority draws
 *   choices  = base64url, no padding, of the choices as unsigned LEB128 varints; absent when the strategy
 *              draws its choices from the seeded PRNG. `c1.s7.r.` (empty) means explicitly no choices.
 *              For PCT: [number of change points, ...change points, ...priorities]; absent = pctFromSeed
 *              with DEFAULT_PCT_EXPECTED_STEPS.
 *
 * Examples: `c1.s42.r` (seeded random walk), `c1.s42.r.AQID` (random walk over [1, 2, 3]), `c1.s42.p2.AQcDBQ`
 * (PCT depth 2, change point at step 7, priorities [3, 5]).
 */

import { CnxnspecError } from '../../spec/errors.ts';

export type StrategyCode = { readonly kind: 'random-walk' } | { readonly kind: 'pct'; readonly depth: number } | { readonly kind: 'pos' };

export interface ReplayToken {
  readonly seed: number;
  readonly strategy: StrategyCode;
  /** Undefined: drawn from the PRNG seeded by `seed`. */
  readonly choices?: readonly number[] | undefined;
}

const SHAPE = 'a token looks like c1.s<seed>.r or c1.s<seed>.r.<base64url choices>, e.g. c1.s42.r.AQID';
/** Choices are indices into a short runnable list; 2^32 - 1 is far beyond any, and keeps varints to 5 bytes. */
const MAX_CHOICE = 0xffff_ffff;

function malformed(token: string, what: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', `malformed replay token "${token}": ${what}; ${SHAPE}`);
}

export function strategyCodeText(strategy: StrategyCode): string {
  if (strategy.kind === 'pos') return 'o';
  return strategy.kind === 'random-walk' ? 'r' : `p${strategy.depth}`;
}

export function encodeReplayToken(token: ReplayToken): string {
  if (!Number.isSafeInteger(token.seed)) throw malformed(String(token.seed), `seed ${token.seed} is not a safe integer`);
  const head = `c1.s${token.seed}.${strategyCodeText(token.strategy)}`;
  if (token.choices === undefined) return head;
  return `${head}.${Buffer.from(encodeVarints(token.choices)).toString('base64url')}`;
}

export function decodeReplayToken(text: string): ReplayToken {
  const parts = text.trim().split('.');
  const [version, seedPart, strategyPart, choicesPart] = parts;
  if (parts.length < 3 || parts.length > 4) throw malformed(text, `it has ${parts.length} dot-separated parts, not 3 or 4`);
  if (version !== 'c1') throw malformed(text, `version "${version}" is not c1, the only one this build reads`);
  const seedMatch = /^s(0|-?[1-9][0-9]*)$/.exec(seedPart ?? '');
  const seed = seedMatch ? Number(seedMatch[1]) : Number.NaN;
  if (!Number.isSafeInteger(seed)) throw malformed(text, `seed part "${seedPart}" is not s followed by a safe integer`);
  const strategy = decodeStrategy(text, strategyPart ?? '');
  if (choicesPart === undefined) return { seed, strategy };
  return { seed, strategy, choices: decodeChoices(text, choicesPart) };
}

function decodeStrategy(text: string, part: string): StrategyCode {
  if (part === 'r') return { kind: 'random-walk' };
  if (part === 'o') return { kind: 'pos' };
  const pct = /^p([1-9][0-9]?)$/.exec(part);
  if (pct) return { kind: 'pct', depth: Number(pct[1]) };
  throw malformed(text, `strategy part "${part}" is neither r (random walk) nor p<depth> (PCT, depth 1 to 99) nor o (POS)`);
}

function decodeChoices(text: string, part: string): number[] {
  if (!/^[A-Za-z0-9_-]*$/.test(part) || part.length % 4 === 1) throw malformed(text, `choices part "${part}" is not base64url`);
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw malformed(text, `choices part "${part}" is not canonical base64url`);
  const choices: number[] = [];
  let value = 0;
  let scale = 1;
  let inVarint = false;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    scale *= 128;
    inVarint = (byte & 0x80) !== 0;
    if (value > MAX_CHOICE || (inVarint && scale > 128 ** 4)) {
      throw malformed(text, `choice ${choices.length} is larger than ${MAX_CHOICE}`);
    }
    if (!inVarint) {
      choices.push(value);
      value = 0;
      scale = 1;
    }
  }
  if (inVarint) throw malformed(text, `choices part ends inside a varint (after ${choices.length} choices)`);
  return choices;
}

export function encodeVarints(values: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const [i, v] of values.entries()) {
    if (!Number.isInteger(v) || v < 0 || v > MAX_CHOICE) {
      throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `choice ${i} is ${v}; choices are integers from 0 to ${MAX_CHOICE}`);
    }
    let rest = v;
    while (rest >= 0x80) {
      out.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    out.push(rest);
  }
  return Uint8Array.from(out);
}
