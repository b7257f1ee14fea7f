/**
 * The JSON Schema (draft 2020-12) of one trace line, built from a field table that names every event of
 * spec/trace/events.ts. `Record<EventName, ...>` makes the compiler refuse a table that misses an event.
 */

import type { EventName } from './events.ts';

export type FieldType =
  | 'string'
  | 'nullableString'
  | 'int'
  | 'count'
  | 'boolean'
  | 'readyKeys'
  | 'stringList'
  | { readonly enum: readonly string[] };

export interface EventFields {
  readonly required: Readonly<Record<string, FieldType>>;
  readonly optional?: Readonly<Record<string, FieldType>>;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const HANDLER_CALLS = ['connectRequest', 'packet', 'fourLetterWord'] as const;

export const EVENT_FIELDS: Readonly<Record<EventName, EventFields>> = {
  threadStart: { required: { name: 'string' } },
  threadEnd: { required: { name: 'string' }, optional: { error: 'string' } },
  selectBegin: { required: { sel: 'string' }, optional: { timeout: 'count' } },
  selectEnd: { required: { sel: 'string', ready: 'readyKeys', woken: 'boolean' } },
  wakeup: { required: { sel: 'string' } },
  selectorClose: { required: { sel: 'string' } },
  register: { required: { sel: 'string', ch: 'string', key: 'string', ops: 'count' } },
  interestOps: { required: { key: 'string', ch: 'string', ops: 'count' } },
  cancel: { required: { key: 'string', ch: 'string' } },
  offer: { required: { queue: 'string', item: 'string', ok: 'boolean' } },
  poll: { required: { queue: 'string', item: 'nullableString' } },
  takeBegin: { required: { queue: 'string' } },
  take: { required: { queue: 'string', item: 'string' } },
  bind: { required: { ss: 'string', host: 'string', port: 'count', backlog: 'int' }, optional: { tls: 'boolean' } },
  accept: { required: { ss: 'string', ch: 'nullableString' }, optional: { remote: 'string', error: 'string' } },
  read: { required: { ch: 'string', n: 'int' } },
  write: { required: { ch: 'string', requested: 'count', n: 'count' } },
  close: { required: { ch: 'string', reason: 'string' }, optional: { reset: 'boolean' } },
  invalidUse: { required: { op: { enum: ['read', 'write', 'interestOps'] }, ch: 'string' }, optional: { key: 'string' } },
  tlsHandshake: { required: { ch: 'string', ok: 'boolean' }, optional: { error: 'string' } },
  sleep: { required: { ms: 'count' } },
  interrupted: { required: { name: 'string' } },
  log: { required: { level: { enum: LOG_LEVELS }, msg: 'string' } },
  peerConnect: { required: { peer: 'string', ip: 'string' } },
  peerSend: { required: { peer: 'string', ch: 'string', n: 'count' }, optional: { data: 'string' } },
  peerRecv: { required: { peer: 'string', ch: 'string', n: 'count' }, optional: { digest: 'string' } },
  peerClose: { required: { peer: 'string', ch: 'string', how: { enum: ['halfClose', 'reset', 'close'] } } },
  configured: {
    required: {
      factory: 'string',
      selectors: 'stringList',
      workers: 'count',
      maxClientCnxns: 'int',
      sessionlessTimeout: 'count',
      expiryInterval: 'count',
    },
  },
  lifecycle: { required: { phase: { enum: ['start', 'stop', 'joined'] } } },
  cnxnCreated: { required: { ch: 'string', key: 'string', ip: 'string' } },
  cnxnRefused: { required: { ch: 'string', ip: 'string', why: 'string' } },
  session: { required: { ch: 'string', sessionId: 'string', timeout: 'count' } },
  touch: { required: { ch: 'string', deadline: 'count' } },
  expire: { required: { ch: 'string' } },
  ioScheduled: { required: { ch: 'string' } },
  ioStart: { required: { ch: 'string' } },
  ioEnd: { required: { ch: 'string' } },
  acceptPaused: { required: { ms: 'count' } },
  outgoing: { required: { ch: 'string', n: 'count', digest: 'string' } },
  given: {
    required: { maxClientCnxns: 'int' },
    optional: {
      selectors: 'count',
      workers: 'count',
      sessionlessTimeout: 'count',
      maxCnxns: 'count',
      juteMaxBuffer: 'count',
      globalOutstandingLimit: 'count',
      shutdownTimeout: 'count',
    },
  },
  handlerCall: {
    required: { ch: 'string', call: { enum: HANDLER_CALLS }, n: 'count' },
    optional: { digest: 'string' },
  },
  handlerReturn: { required: { ch: 'string', call: { enum: HANDLER_CALLS } }, optional: { threw: 'string' } },
  handlerAct: {
    required: { ch: 'string', act: { enum: ['send', 'closeAfterFlush', 'close', 'disableRecv', 'enableRecv', 'setSession', 'closeSession'] } },
    optional: { n: 'count', digest: 'string', reason: 'string' },
  },
  connectionClosed: { required: { ch: 'string', reason: 'string' } },
};

export const EVENT_NAMES = Object.keys(EVENT_FIELDS) as EventName[];

type JsonSchema = Readonly<Record<string, unknown>>;

function fieldSchema(type: FieldType): JsonSchema {
  if (typeof type === 'object') return { enum: type.enum };
  switch (type) {
    case 'string':
      return { type: 'string', minLength: 1 };
    case 'nullableString':
      return { type: ['string', 'null'], minLength: 1 };
    case 'int':
      return { type: 'integer' };
    case 'count':
      return { type: 'integer', minimum: 0 };
    case 'boolean':
      return { type: 'boolean' };
    case 'stringList':
      return { type: 'array', items: { type: 'string', minLength: 1 } };
    case 'readyKeys':
      return {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'ops'],
          properties: { key: { type: 'string', minLength: 1 }, ops: { type: 'integer', minimum: 0 } },
          additionalProperties: false,
        },
      };
  }
}

const BASE_FIELDS: Readonly<Record<string, JsonSchema>> = {
  seq: { type: 'integer', minimum: 0 },
  t: { type: 'number', minimum: 0 },
  thread: { type: 'string', minLength: 1 },
};

function eventBranch(name: EventName): JsonSchema {
  const { required, optional = {} } = EVENT_FIELDS[name];
  const properties: Record<string, JsonSchema> = { ...BASE_FIELDS, ev: { const: name } };
  for (const [field, type] of Object.entries({ ...required, ...optional })) properties[field] = fieldSchema(type);
  return {
    if: { properties: { ev: { const: name } } },
    then: { required: Object.keys(required), properties, additionalProperties: false },
  };
}

/** Schema of one JSONL trace line. */
export const traceEventSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://cnxnspec.dev/schema/trace-event.json',
  title: 'cnxnspec trace event',
  description: 'One line of a cnxnspec trace: a runtime operation, a scripted peer action, a factory-level fact or a harness observation.',
  type: 'object',
  required: ['seq', 't', 'thread', 'ev'],
  properties: { ...BASE_FIELDS, ev: { enum: EVENT_NAMES } },
  allOf: EVENT_NAMES.map(eventBranch),
};
