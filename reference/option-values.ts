/** Reading factory options, shared by the NIO and Netty-style settings: a typed error naming what to fix. */

import { CnxnspecError } from '../spec/errors.ts';

export function configError(message: string): CnxnspecError {
  return new CnxnspecError('CNXNSPEC_ERR_CONFIG', message);
}

/** `value` when it is a whole number, `fallback` when absent; anything else is a configuration error. */
export function integer(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value)) throw configError(`${name} must be an integer, got ${value}; fix the option or leave it unset`);
  return value;
}
