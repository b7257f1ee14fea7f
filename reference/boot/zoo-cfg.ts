/**
 * zoo.cfg parsing: `key=value` lines, `#` or `!` comments, blank lines ignored, surrounding whitespace trimmed,
 * a later duplicate key replacing an earlier one (as java.util.Properties does). A line that is not blank, not a
 * comment and has no `=` or an empty key is an error naming the line. Values are kept as strings; interpreting
 * them is runFromConfig's job.
 */
import { CnxnspecError } from '../../spec/errors.ts';

export interface ZooCfg {
  /** key -> value, in first-appearance order. */
  readonly entries: ReadonlyMap<string, string>;
  /** key -> 1-based line of the entry in force, for error messages. */
  readonly lines: ReadonlyMap<string, number>;
  readonly source: string;
}

/** Parses zoo.cfg text. Implements: boot.client-port (reading the configuration it needs). */
export function parseZooCfg(text: string, source = 'zoo.cfg'): ZooCfg {
  const entries = new Map<string, string>();
  const lines = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const lineNo = index + 1;
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const eq = line.indexOf('=');
    if (eq < 0) {
      throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `${source} line ${lineNo}: expected key=value, got "${line}"; fix or comment out the line`);
    }
    const key = line.slice(0, eq).trim();
    if (key === '') {
      throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `${source} line ${lineNo}: the key before "=" is empty; write key=value`);
    }
    entries.set(key, line.slice(eq + 1).trim());
    lines.set(key, lineNo);
  });
  return { entries, lines, source };
}
