/**
 * Says in words why a JSON value is not a trace event: the field and what was expected, worked out from the
 * same field table the schema is built from (spec/trace/schema.ts), so the explanation and the schema agree.
 * ajv decides validity; this only explains a value ajv refused.
 */

import { EVENT_FIELDS, EVENT_NAMES, type FieldType } from '../../spec/trace/schema.ts';

export interface EventError {
  /** The offending field (`ev` for an unknown event, `(line)` when the value is not an object). */
  readonly field: string;
  readonly message: string;
}

/** `t` is a number (fractions allowed), which the field table has no type for; it is checked on its own. */
const BASE: Readonly<Record<string, FieldType>> = { seq: 'count', thread: 'string' };

function expected(type: FieldType): string {
  if (typeof type === 'object') return `one of ${type.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (type) {
    case 'string':
      return 'a non-empty string';
    case 'nullableString':
      return 'a non-empty string or null';
    case 'int':
      return 'an integer';
    case 'count':
      return 'an integer >= 0';
    case 'boolean':
      return 'true or false';
    case 'stringList':
      return 'an array of non-empty strings';
    case 'readyKeys':
      return 'an array of {"key": string, "ops": integer >= 0}';
  }
}

function fits(type: FieldType, value: unknown): boolean {
  if (typeof type === 'object') return type.enum.includes(value as string);
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  switch (type) {
    case 'string':
      return text(value);
    case 'nullableString':
      return value === null || text(value);
    case 'int':
      return Number.isInteger(value);
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'stringList':
      return Array.isArray(value) && value.every(text);
    case 'readyKeys':
      return (
        Array.isArray(value) &&
        value.every((r) => r !== null && typeof r === 'object' && text(r.key) && Number.isInteger(r.ops) && r.ops >= 0 && Object.keys(r).length === 2)
      );
  }
}

const show = (value: unknown) => {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

export function explainEventError(value: unknown): EventError {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { field: '(line)', message: `is ${show(value)}, expected a JSON object (one event per line)` };
  }
  const record = value as Record<string, unknown>;
  const ev = record.ev;
  if (typeof ev !== 'string') return { field: 'ev', message: `missing or not a string; expected the event name, one of ${EVENT_NAMES.length} names in docs/trace-event.schema.json` };
  if (!(EVENT_NAMES as string[]).includes(ev)) {
    return { field: 'ev', message: `unknown event ${show(ev)}; expected one of ${EVENT_NAMES.join(', ')}` };
  }
  const fields = EVENT_FIELDS[ev as keyof typeof EVENT_FIELDS];
  const all: Record<string, FieldType> = { ...BASE, ...fields.required, ...(fields.optional ?? {}) };
  if (!('t' in record)) return { field: 't', message: `missing; every event needs t: the runtime clock in ms, a number >= 0` };
  if (typeof record.t !== 'number' || record.t < 0) return { field: 't', message: `is ${show(record.t)}, expected a number >= 0 (ms)` };
  for (const [field, type] of Object.entries({ ...BASE, ...fields.required })) {
    if (!(field in record)) return { field, message: `missing; a ${ev} event needs ${field}: ${expected(type)}` };
  }
  for (const [field, v] of Object.entries(record)) {
    if (field === 'ev' || field === 't') continue;
    const type = all[field];
    if (type === undefined) return { field, message: `is not a field of ${ev}; allowed: ${Object.keys(all).join(', ')}` };
    if (!fits(type, v)) return { field, message: `is ${show(v)}, expected ${expected(type)}` };
  }
  // ajv refused it for a reason the table does not name: say so plainly.
  return { field: '(event)', message: 'does not match the trace schema; see docs/trace-event.schema.json' };
}
