/**
 * Reads a JSONL trace: every line parsed and validated against the trace schema. A bad line does not stop the
 * read: every problem is reported with its line number and what to fix, and the good lines are kept.
 */

import { Ajv2020 } from 'ajv/dist/2020.js';
import { traceEventSchema } from '../../spec/trace/schema.ts';
import type { TraceEvent } from '../../spec/trace/events.ts';

export interface TraceProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedTrace {
  readonly events: TraceEvent[];
  readonly problems: TraceProblem[];
}

const validate = new Ajv2020({ allErrors: false }).compile(traceEventSchema);

function describeSchemaError(): string {
  const err = validate.errors?.[0];
  if (!err) return 'does not match the trace schema';
  const where = err.instancePath || '(the event)';
  const extra = err.keyword === 'additionalProperties' ? ` "${String(err.params.additionalProperty)}"` : '';
  const allowed = err.keyword === 'enum' ? ` (one of ${(err.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${where} ${err.message ?? 'is invalid'}${extra}${allowed}`;
}

export function parseTrace(text: string): ParsedTrace {
  const events: TraceEvent[] = [];
  const problems: TraceProblem[] = [];
  text.replace(/^\uFEFF/, '').split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line, message: `not valid JSON (${(err as Error).message}); each line must be one JSON object` });
      return;
    }
    if (!validate(value)) {
      problems.push({ line, message: `${describeSchemaError()}; see docs/trace-event.schema.json` });
      return;
    }
    const event = value as TraceEvent;
    const previous = events[events.length - 1];
    if (previous && event.seq <= previous.seq) {
      problems.push({ line, message: `seq ${event.seq} does not follow ${previous.seq}; events must be in emission order` });
    }
    events.push(event);
  });
  return { events, problems };
}
