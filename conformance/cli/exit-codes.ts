/**
 * What `cnxnspec` exits with, so that CI can tell a factory that broke a requirement from a command line that
 * is wrong and from the harness itself breaking.
 */

import { CommanderError } from 'commander';

export const EXIT = {
  /** Every checked requirement passed, or failed as the expectations file says. */
  conformant: 0,
  /** A requirement failed (or passed against the expectations file). */
  nonConformant: 1,
  /** Bad flags or values, a missing file, --only matching nothing, a factory module that cannot be instantiated. */
  usage: 2,
  /** The harness itself failed (the suite process crashed, an internal error). */
  harness: 3,
} as const;

export const EXIT_CODES_HELP = `
Exit status:
  0  conformant: every checked requirement passed, or failed as the expectations file says
  1  a conformance failure: a requirement failed, or an expected failure passed
  2  a usage or load error: bad flags or values, a missing file, --only matching nothing,
     a factory module that cannot be loaded or instantiated (createFactory throws)
  3  the harness itself failed`;

const USAGE_CODES = new Set(['CNXNSPEC_ERR_CONFIG', 'CNXNSPEC_ERR_FACTORY_LOAD', 'CNXNSPEC_ERR_UNSUPPORTED', 'ENOENT', 'EISDIR', 'EACCES', 'ENOTDIR']);

/** The exit status for an error that ended a command, and whether its message still needs printing. */
export function exitFor(err: unknown): { code: number; print: boolean } {
  // Commander has already printed its own message (or the help, or the version).
  if (err instanceof CommanderError) return { code: err.exitCode === 0 ? EXIT.conformant : EXIT.usage, print: false };
  const code = (err as { code?: unknown }).code;
  return { code: typeof code === 'string' && USAGE_CODES.has(code) ? EXIT.usage : EXIT.harness, print: true };
}
