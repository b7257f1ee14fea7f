/**
 * Renders docs/spec.md from spec/: one section per area, one anchored entry per requirement with its level,
 * statement, rationale, sources, invariants and the tests that name it. Pure: the caller reads and writes files.
 */

import { JUDGING } from '../../spec/judging.ts';
import { AREAS, type Area, type Requirement, type Source } from '../../spec/requirement.ts';
import { KNOBS } from '../../spec/knobs.ts';
import { DISCONNECT_REASONS, SOCKET_CLOSE_REASONS } from '../../spec/disconnect-reasons.ts';
import { ERROR_CODES } from '../../spec/errors.ts';
import { EVENT_FIELDS, EVENT_NAMES } from '../../spec/trace/schema.ts';
import type { TestTitle } from './test-titles.ts';

const AREA_TITLES: Record<Area, string> = {
  factory: 'Factory selection and lifecycle',
  boot: 'Boot: runFromConfig',
  configure: 'configure',
  nio: 'NIO threads',
  accept: 'The accept thread',
  selector: 'Selector threads, acceptedQueue and updateQueue',
  io: 'IO work',
  cnxn: 'The connection',
  lifecycle: 'Connection lifecycle',
  expiry: 'Connection expiry',
  netty: 'Netty-style factory',
  wire: 'Black-box wire behaviour',
  zk: 'The ZooKeeper server behind the reference',
  runtime: 'The host runtime contract',
};

function sourceText(source: Source): string {
  switch (source.kind) {
    case 'seed':
      return `seed ${source.file}, ${source.section}`;
    case 'zk':
      return `ZooKeeper facts §${source.section}`;
    case 'design':
      return `design, ${source.section}`;
  }
}

function requirementEntry(r: Requirement, tests: readonly TestTitle[], pending: ReadonlyMap<string, string>): string {
  const testLines = tests.length
    ? tests.map((t) => `  - \`${t.title.replace(/`/g, "'")}\` (${t.file})`).join('\n')
    : `  - none yet: ${pending.get(r.id) ?? 'not listed in spec/pending.txt'}`;
  return [
    `<a id="${r.id}"></a>`,
    `### \`${r.id}\` (${r.level})`,
    '',
    r.statement,
    '',
    `*Why:* ${r.rationale}`,
    '',
    `- Source: ${r.sources.map(sourceText).join('; ')}`,
    `- Invariants: ${r.invariants.length ? r.invariants.map((i) => `\`${i}\``).join(', ') : 'none (checked by direct tests)'}`,
    `- Judged for a loaded factory: ${judgingText(r.id)}`,
    `- Checked by: ${r.tests}`,
    `- Tests:`,
    testLines,
    '',
  ].join('\n');
}

export function renderSpec(
  requirements: readonly Requirement[],
  titles: readonly TestTitle[],
  pending: ReadonlyMap<string, string>,
): string {
  const out: string[] = [
    '# cnxnspec: the specification',
    '',
    'Generated from `spec/` by `npm run docs`; do not edit by hand. Every requirement has a stable ID, a level',
    '(MUST, SHOULD, MAY), the statement, why the design is so, where it comes from, and the tests whose titles name it.',
    '',
    '## Contents',
    '',
  ];
  const present = AREAS.filter((a) => requirements.some((r) => r.area === a));
  for (const area of present) {
    const count = requirements.filter((r) => r.area === area).length;
    out.push(`- [${AREA_TITLES[area]}](#area-${area}) (${count})`);
  }
  out.push('- [Configuration knobs](#knobs)', '- [Disconnect reasons](#reasons)', '- [Error codes](#errors)', '- [Trace events](#trace)', '');
  for (const area of present) {
    out.push(`<a id="area-${area}"></a>`, `## ${AREA_TITLES[area]}`, '');
    for (const r of requirements.filter((x) => x.area === area)) {
      out.push(requirementEntry(r, titles.filter((t) => t.ids.includes(r.id)), pending));
    }
  }
  out.push('<a id="knobs"></a>', '## Configuration knobs', '', '| name | unit | default | from | meaning |', '|---|---|---|---|---|');
  for (const k of KNOBS) out.push(`| \`${k.name}\` | ${k.unit} | ${String(k.default)} | ${k.from} | ${k.meaning} |`);
  out.push('', '<a id="reasons"></a>', '## Disconnect reasons', '');
  out.push(`Connections close with one of: ${DISCONNECT_REASONS.map((r) => `\`${r}\``).join(', ')}.`, '');
  out.push(`Sockets that never became connections close with: ${SOCKET_CLOSE_REASONS.map((r) => `\`${r}\``).join(', ')}.`, '');
  out.push('<a id="errors"></a>', '## Error codes', '', '| code | meaning |', '|---|---|');
  for (const [code, meaning] of Object.entries(ERROR_CODES)) out.push(`| \`${code}\` | ${meaning} |`);
  out.push('', '<a id="trace"></a>', '## Trace events', '');
  out.push('Every line also has `seq`, `t` (ms) and `thread`. The JSON Schema is `docs/trace-event.schema.json`.', '');
  out.push('| ev | required fields | optional fields |', '|---|---|---|');
  for (const name of EVENT_NAMES) {
    const { required, optional = {} } = EVENT_FIELDS[name];
    const fmt = (fields: Record<string, unknown>) => Object.keys(fields).map((f) => `\`${f}\``).join(', ') || '-';
    out.push(`| \`${name}\` | ${fmt(required)} | ${fmt(optional)} |`);
  }
  out.push('');
  return out.join('\n');
}

function judgingText(id: string): string {
  const judging = JUDGING[id];
  if (!judging) return 'not stated (a bug: spec/judging.ts lists every requirement)';
  return judging.by === 'not-judgeable' ? `no, ${judging.reason}` : `by ${judging.by.join(' and ')}`;
}
