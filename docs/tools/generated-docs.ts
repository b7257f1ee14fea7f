/** The files `npm run docs` owns, as path -> content, so the generator and the up-to-date test agree. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requirements } from '../../spec/requirements/index.ts';
import { traceEventSchema } from '../../spec/trace/schema.ts';
import { collectTestTitles } from './test-titles.ts';
import { parsePending } from './pending.ts';
import { renderSpec } from './render-spec.ts';

export function generatedDocs(root: string): Map<string, string> {
  const pending = parsePending(readFileSync(join(root, 'spec/pending.txt'), 'utf8'));
  return new Map([
    ['docs/spec.md', renderSpec(requirements, collectTestTitles(root), pending)],
    ['docs/trace-event.schema.json', `${JSON.stringify(traceEventSchema, null, 2)}\n`],
  ]);
}
