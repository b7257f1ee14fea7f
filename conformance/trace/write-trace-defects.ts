/**
 * Writes the defect-injected copies of the recorded Apache ZooKeeper trace (trace-defects.ts) next to it, in
 * fixtures/traces/zookeeper/defects/, one file per defect. Run it again after re-recording
 * (conformance/zookeeper/record-zookeeper-trace.ts); trace-defects.test.ts fails while the copies are stale.
 * Usage: npx tsx conformance/trace/write-trace-defects.ts
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFECTS, injectDefect } from './trace-defects.ts';

export const RECORDING = fileURLToPath(new URL('../../fixtures/traces/zookeeper/apache-zookeeper-3.8-nio.jsonl', import.meta.url));
export const DEFECTS_DIR = fileURLToPath(new URL('../../fixtures/traces/zookeeper/defects/', import.meta.url));

export const copyPath = (name: string) => join(DEFECTS_DIR, `${name}.jsonl`);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const recording = readFileSync(RECORDING, 'utf8');
  mkdirSync(DEFECTS_DIR, { recursive: true });
  for (const defect of DEFECTS) {
    writeFileSync(copyPath(defect.name), injectDefect(recording, defect).text);
    console.log(`wrote ${copyPath(defect.name)}: ${defect.bug} (flagged by ${defect.invariant})`);
  }
}
