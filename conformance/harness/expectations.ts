/**
 * A third-party factory's known gaps, web-platform-tests style: a JSON file mapping requirement IDs to the
 * reason each is expected to fail. A listed requirement that passes is an unexpected pass and fails the run
 * too, so the file stays true.
 *
 *   { "expectedFailures": { "selector.shuffle": "keys are served in registration order; tracked in #12" } }
 */

import { CnxnspecError } from '../../spec/errors.ts';

/** Requirement ID -> reason. */
export type Expectations = ReadonlyMap<string, string>;

function bad(file: string, what: string): CnxnspecError {
  return new CnxnspecError(
    'CNXNSPEC_ERR_CONFIG',
    `expectations file ${file}: ${what}; it should look like {"expectedFailures": {"<requirement ID>": "<why it fails>"}}`,
  );
}

export function parseExpectations(file: string, text: string, checked: readonly string[]): Expectations {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw bad(file, `not valid JSON (${(err as Error).message})`);
  }
  const failures = (value as { expectedFailures?: unknown } | null)?.expectedFailures;
  if (typeof failures !== 'object' || failures === null || Array.isArray(failures)) throw bad(file, 'no "expectedFailures" object');
  const out = new Map<string, string>();
  for (const [id, reason] of Object.entries(failures)) {
    if (!checked.includes(id)) throw bad(file, `"${id}" is not a requirement the suite checks (see docs/spec.md)`);
    if (typeof reason !== 'string' || reason.trim().length < 5) throw bad(file, `"${id}" needs a reason, a sentence saying why it fails`);
    out.set(id, reason.trim());
  }
  return out;
}
