/**
 * The replay line of a suite failure. Two forms, both one shell-safe word:
 *   h1.s<seed>.<strategy>.<path>   fast-check's seed and the path to the shrunk case (short; valid for the same
 *                                  version of cnxnspec, whose arbitraries produced it)
 *   h1.x.<base64url>               the scenario and schedule themselves, deflated (used when a run hung, since
 *                                  fast-check cannot name the path of a run that never returned)
 * strategy is `r` (random walk), `p<d>` (PCT with depth d) or `o` (POS).
 */

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CnxnspecError } from '../../spec/errors.ts';
import type { Scenario } from './scenario.ts';
import type { Schedule } from './schedule.ts';

export type StrategyName = { readonly kind: 'random' } | { readonly kind: 'pct'; readonly depth: number } | { readonly kind: 'pos' };

export type SuiteToken =
  | { readonly form: 'path'; readonly seed: number; readonly strategy: StrategyName; readonly path: string }
  | { readonly form: 'explicit'; readonly scenario: Scenario; readonly schedule: Schedule; readonly seed: number };

const SHAPE = 'a replay token looks like h1.s42.r.3:0:1 or h1.s42.p2.0:5 (or h1.x.<data> for a hung run)';

function malformed(text: string, what: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', `malformed replay token "${text}": ${what}; ${SHAPE}`);
}

export function strategyText(strategy: StrategyName): string {
  if (strategy.kind === 'pos') return 'o';
  return strategy.kind === 'random' ? 'r' : `p${strategy.depth}`;
}

export function encodeSuiteToken(token: SuiteToken): string {
  if (token.form === 'path') return `h1.s${token.seed}.${strategyText(token.strategy)}.${token.path}`;
  const json = JSON.stringify({ scenario: token.scenario, schedule: token.schedule, seed: token.seed });
  return `h1.x.${deflateRawSync(Buffer.from(json)).toString('base64url')}`;
}

export function decodeSuiteToken(text: string): SuiteToken {
  const parts = text.trim().split('.');
  if (parts[0] !== 'h1') throw malformed(text, `it starts with "${parts[0]}", not h1`);
  if (parts[1] === 'x' && parts.length === 3) return decodeExplicit(text, parts[2] ?? '');
  if (parts.length !== 4) throw malformed(text, `it has ${parts.length} dot-separated parts, not 4`);
  const seed = /^s(-?\d+)$/.exec(parts[1] ?? '');
  if (!seed || !Number.isSafeInteger(Number(seed[1]))) throw malformed(text, `"${parts[1]}" is not s<seed>`);
  const strategyPart = parts[2] ?? '';
  const pct = /^p([1-9]\d?)$/.exec(strategyPart);
  const strategy: StrategyName | undefined =
    strategyPart === 'r' ? { kind: 'random' } : strategyPart === 'o' ? { kind: 'pos' } : pct ? { kind: 'pct', depth: Number(pct[1]) } : undefined;
  if (!strategy) throw malformed(text, `strategy "${strategyPart}" is neither r nor p<depth> nor o`);
  const path = parts[3] ?? '';
  if (!/^\d+(?::\d+)*$/.test(path)) throw malformed(text, `path "${path}" is not numbers joined by colons`);
  return { form: 'path', seed: Number(seed[1]), strategy, path };
}

function decodeExplicit(text: string, data: string): SuiteToken {
  try {
    const value = JSON.parse(inflateRawSync(Buffer.from(data, 'base64url')).toString('utf8')) as { scenario: Scenario; schedule: Schedule; seed: number };
    if (!value.scenario || !value.schedule || !Number.isSafeInteger(value.seed)) throw new Error('fields missing');
    return { form: 'explicit', scenario: value.scenario, schedule: value.schedule, seed: value.seed };
  } catch (err) {
    throw malformed(text, `its data does not decode (${(err as Error).message})`);
  }
}
