/**
 * spec/pending.txt: requirements no test names yet, one per line as `ID  # which issue will cover it`.
 * It only shrinks; the traceability guard keeps it honest in both directions.
 */

import { CnxnspecError } from '../../spec/errors.ts';

export function parsePending(text: string): Map<string, string> {
  const pending = new Map<string, string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([a-z]+\.[a-z0-9-]+)\s+#\s*(.+)$/.exec(line);
    if (!match?.[1] || !match[2]) {
      throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `spec/pending.txt line ${index + 1}: expected "ID  # issue that will cover it", got "${line}"`);
    }
    pending.set(match[1], match[2]);
  });
  return pending;
}
