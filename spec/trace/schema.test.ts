import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { EVENT_FIELDS, EVENT_NAMES, traceEventSchema, type FieldType } from './schema.ts';
import type { EventName } from './events.ts';

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(traceEventSchema);

const id = fc.stringMatching(/^[a-z][a-z0-9@#.\- ]{0,12}$/);

function valueOf(type: FieldType): fc.Arbitrary<unknown> {
  if (typeof type === 'object') return fc.constantFrom(...type.enum);
  switch (type) {
    case 'string':
      return id;
    case 'nullableString':
      return fc.option(id, { nil: null });
    case 'int':
      return fc.integer({ min: -5, max: 1 << 20 });
    case 'count':
      return fc.nat();
    case 'boolean':
      return fc.boolean();
    case 'stringList':
      return fc.array(id, { maxLength: 4 });
    case 'readyKeys':
      return fc.array(fc.record({ key: id, ops: fc.constantFrom(1, 4, 5, 16) }), { maxLength: 4 });
  }
}

function eventOf(name: EventName): fc.Arbitrary<Record<string, unknown>> {
  const { required, optional = {} } = EVENT_FIELDS[name];
  const req = Object.fromEntries(Object.entries(required).map(([k, t]) => [k, valueOf(t)]));
  const opt = Object.fromEntries(Object.entries(optional).map(([k, t]) => [k, valueOf(t)]));
  return fc
    .record({
      base: fc.record({ seq: fc.nat(), t: fc.double({ min: 0, max: 1e9, noNaN: true }), thread: id }),
      req: fc.record(req),
      opt: fc.record(opt, { requiredKeys: [] }),
    })
    .map(({ base, req, opt }) => ({ ...base, ev: name, ...req, ...opt }));
}

const validEvent = fc.constantFrom(...EVENT_NAMES).chain(eventOf);

test('spec: the trace schema accepts every generated valid event of every kind', () => {
  fc.assert(
    fc.property(validEvent, (event) => {
      assert.ok(validate(event), JSON.stringify(validate.errors));
    }),
    { numRuns: 2000 },
  );
});

test('spec: the trace schema rejects events with a field missing, mistyped or unknown', () => {
  const mutation = fc.constantFrom('drop-required', 'drop-base', 'retype', 'extra', 'unknown-ev');
  fc.assert(
    fc.property(validEvent, mutation, fc.nat(), (event, how, pick) => {
      const bad: Record<string, unknown> = { ...event };
      const name = event.ev as EventName;
      const fields = Object.keys(EVENT_FIELDS[name].required);
      const field = fields[pick % Math.max(fields.length, 1)];
      if (how === 'drop-required' && field) delete bad[field];
      else if (how === 'retype' && field) bad[field] = { nested: true };
      else if (how === 'drop-base') delete bad[['seq', 't', 'thread', 'ev'][pick % 4] as string];
      else if (how === 'extra') bad.surprise = 1;
      else bad.ev = 'noSuchEvent';
      assert.equal(validate(bad), false, `accepted ${JSON.stringify(bad)}`);
    }),
    { numRuns: 2000 },
  );
});

test('spec: the trace schema is a draft 2020-12 schema with one branch per event', () => {
  assert.equal(traceEventSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal((traceEventSchema.allOf as unknown[]).length, EVENT_NAMES.length);
});
