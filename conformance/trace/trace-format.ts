/**
 * The trace file format, versioned. Version 1 is the original format: one event per line and nothing else, so a
 * version-1 file cannot say where it was quiescent or whether it is complete. Version 2 adds two marker lines
 * that are not events (no seq, t or thread):
 * - a header, the first non-empty line: `{"ev":"meta","schemaVersion":2,"complete":true,"timeSlackMs":20,"source":"..."}`;
 *   `complete` says the trace ends where the recorded run ended, so liveness may be judged at its end;
 *   `timeSlackMs` is the lateness the recorder asks timing checks to tolerate (real clocks, real schedulers);
 * - `{"ev":"quiescent"}` anywhere after it: every event before this line happened, and the system was idle
 *   (nothing runnable, nothing due), so liveness is judged over the events up to here.
 * The checker keeps reading every version it has published; a version it does not know is an input error.
 */

import { Ajv2020 } from 'ajv/dist/2020.js';

export const TRACE_FORMAT_VERSIONS = [1, 2] as const;
export const CURRENT_TRACE_FORMAT = 2;

export interface TraceMeta {
  readonly schemaVersion: number;
  readonly complete: boolean;
  readonly timeSlackMs?: number;
  /** What recorded the trace, for the report (`ZooKeeper 3.8.0 NIOServerCnxnFactory via Byteman`). */
  readonly source?: string;
}

/** A version-1 trace: no header, so nothing is known about completeness. */
export const VERSION_1_META: TraceMeta = { schemaVersion: 1, complete: false };

export const traceMetaSchema = {
  type: 'object',
  required: ['ev', 'schemaVersion'],
  additionalProperties: false,
  properties: {
    ev: { const: 'meta' },
    schemaVersion: { type: 'integer', minimum: 1 },
    complete: { type: 'boolean' },
    timeSlackMs: { type: 'integer', minimum: 0 },
    source: { type: 'string', minLength: 1 },
  },
} as const;

export const quiescentMarkerSchema = {
  type: 'object',
  required: ['ev'],
  additionalProperties: false,
  properties: { ev: { const: 'quiescent' } },
} as const;

const ajv = new Ajv2020({ allErrors: false });
export const validateMeta = ajv.compile(traceMetaSchema);
export const validateQuiescent = ajv.compile(quiescentMarkerSchema);

/** The header line of a version-2 trace, for recorders written in TypeScript. */
export function metaLine(meta: Omit<TraceMeta, 'schemaVersion'>): string {
  return JSON.stringify({ ev: 'meta', schemaVersion: CURRENT_TRACE_FORMAT, ...meta });
}

export const QUIESCENT_LINE = '{"ev":"quiescent"}';
