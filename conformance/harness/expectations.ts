/**
 * A third-party factory's known gaps, web-platform-tests style: a JSON file mapping requirement IDs to the
 * reason each is expected to fail. A listed requirement that passes is an unexpected pass and fails the run
 * too, so the file stays true. A requirement that fails on some seeds only (a race the factory loses now and
 * then) goes under "flaky": it may fail or pass, and either is accepted.
 *
 *   { "expectedFailures": { "selector.shuffle": "keys are served in registration order; tracked in #12" },
 *     "flaky": { "expiry.buckets": "the wheel rounds up on some schedules; tracked in #14" } }
 */

import { readFileSync } from 'node:fs';
import { CnxnspecError } from '../../spec/errors.ts';

export interface Expectation {
  /** fail: must fail (passing is an unexpected pass); flaky: may fail or pass. */
  readonly kind: 'fail' | 'flaky';
  readonly reason: string;
}

/** Requirement ID -> what is expected of it. */
export type Expectations = ReadonlyMap<string, Expectation>;

const SHAPE = '{"expectedFailures": {"<requirement ID>": "<why it fails>"}, "flaky": {"<requirement ID>": "<why it fails on some seeds>"}}';

function bad(file: string, what: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', `expectations file ${file}: ${what}; it should look like ${SHAPE}`);
}

function section(file: string, value: unknown, key: string): [string, unknown][] {
  const entries = (value as Record<string, unknown>)[key];
  if (entries === undefined) return [];
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw bad(file, `"${key}" is not an object`);
  return Object.entries(entries);
}

export function parseExpectations(file: string, text: string, checked: readonly string[]): Expectations {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw bad(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('expectedFailures' in value || 'flaky' in value)) {
    throw bad(file, 'no "expectedFailures" or "flaky" object');
  }
  const out = new Map<string, Expectation>();
  for (const kind of ['fail', 'flaky'] as const) {
    for (const [id, reason] of section(file, value, kind === 'fail' ? 'expectedFailures' : 'flaky')) {
      if (!checked.includes(id)) throw bad(file, `"${id}" is not a requirement the suite checks (see docs/spec.md)`);
      if (typeof reason !== 'string' || reason.trim().length < 5) throw bad(file, `"${id}" needs a reason, a sentence saying why it fails`);
      if (out.has(id)) throw bad(file, `"${id}" is listed both as an expected failure and as flaky; keep one`);
      out.set(id, { kind, reason: reason.trim() });
    }
  }
  return out;
}

/** Reads and parses the file `option` named (a flag or an environment variable), saying which when it is missing. */
export function loadExpectations(file: string, option: string, checked: readonly string[]): Expectations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as { code?: string }).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `expectations file ${file} (from ${option}) ${why}; create it as ${SHAPE}, or drop ${option}`);
  }
  return parseExpectations(file, text, checked);
}
