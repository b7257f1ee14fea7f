/** JSON Schema (draft 2020-12) of `cnxnspec-result.json` (./conformance-report.ts). */

import { AREAS } from '../requirement.ts';
import { JUDGE_MODES, REQUIREMENT_STATUSES } from './conformance-report.ts';

const text = { type: 'string', minLength: 1 } as const;
const count = { type: 'integer', minimum: 0 } as const;

const evidence = {
  type: 'object',
  required: ['source', 'message', 'events'],
  additionalProperties: false,
  properties: { source: text, message: text, events: { type: 'array', items: count } },
} as const;

export const conformanceReportSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://cnxnspec.dev/schema/conformance-result.json',
  title: 'cnxnspec conformance result',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'profile', 'factory', 'versions', 'seed', 'strategy', 'budget', 'startedAt', 'durationMs', 'runs', 'ok', 'counts', 'judged', 'must', 'requirements', 'failures', 'checkFailures'],
  properties: {
    format: { const: 'cnxnspec-result/2' },
    profile: text,
    factory: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'module'],
      properties: { name: text, module: { type: ['string', 'null'] } },
    },
    versions: {
      type: 'object',
      additionalProperties: false,
      required: ['cnxnspec', 'node', 'fastCheck'],
      properties: { cnxnspec: text, node: text, fastCheck: text },
    },
    seed: { type: 'integer' },
    strategy: text,
    budget: {
      type: 'object',
      additionalProperties: false,
      required: ['runs', 'timeBudgetSeconds'],
      properties: { runs: count, timeBudgetSeconds: count },
    },
    startedAt: { type: 'string', format: 'date-time' },
    durationMs: count,
    runs: count,
    ok: { type: 'boolean' },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: [...REQUIREMENT_STATUSES],
      properties: Object.fromEntries(REQUIREMENT_STATUSES.map((s) => [s, count])),
    },
    judged: { type: 'object', additionalProperties: false, required: ['judged', 'total'], properties: { judged: count, total: count } },
    must: { type: 'object', additionalProperties: false, required: ['passed', 'judged'], properties: { passed: count, judged: count } },
    requirements: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'area', 'level', 'status', 'judgedBy'],
        properties: {
          id: { type: 'string', pattern: '^[a-z]+\\.[a-z0-9]+(?:-[a-z0-9]+)*$' },
          area: { enum: [...AREAS] },
          level: { enum: ['MUST', 'SHOULD', 'MAY'] },
          status: { enum: [...REQUIREMENT_STATUSES] },
          judgedBy: { type: 'array', uniqueItems: true, items: { enum: [...JUDGE_MODES] } },
          notJudged: text,
          evidence,
          replay: text,
          reason: text,
        },
      },
    },
    failures: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['requirements', 'evidence', 'replay', 'token', 'events', 'shrinks', 'runsToFailure', 'scenario'],
        properties: {
          requirements: { type: 'array', minItems: 1, items: text },
          evidence,
          replay: text,
          token: text,
          events: count,
          shrinks: count,
          runsToFailure: count,
          scenario: { type: 'object' },
        },
      },
    },
    checkFailures: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['requirements', 'check', 'mode', 'message', 'evidence', 'rerun'],
        properties: {
          requirements: { type: 'array', minItems: 1, items: text },
          check: text,
          mode: { enum: [...JUDGE_MODES] },
          message: text,
          evidence: { type: 'array', items: { type: 'string' } },
          rerun: text,
        },
      },
    },
  },
} as const;
