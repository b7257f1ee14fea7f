/**
 * Finds test titles in the project's test files and the requirement IDs they name. Titles are read from the
 * source text (the first string argument of test/it/describe/suite calls), so that the traceability guard and
 * the docs generator need not run the tests. A title names an ID by starting with it in brackets:
 * `[selector.wakeup-after-offer] ...`; template titles count with their literal parts.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface TestTitle {
  readonly file: string;
  readonly line: number;
  readonly title: string;
  readonly ids: readonly string[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'coverage', 'cnxnspec-report']);
const TITLE_CALL = /\b(?:test|it|describe|suite)(?:\.(?:skip|todo|only))?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
const ID_PREFIX = /^\[([a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*(?:\s*,\s*[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*)*)\]/;

function findFiles(root: string, wanted: (name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
      } else if (wanted(entry.name)) {
        found.push(relative(root, join(dir, entry.name)));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** The files node:test runs. */
export function findTestFiles(root: string): string[] {
  return findFiles(root, (name) => name.endsWith('.test.ts'));
}

/** Every file that declares tests: the test files and the shared suites they call (anything importing node:test). */
function findTitleFiles(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  for (const file of findFiles(root, (name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(root, file), 'utf8');
    if (file.endsWith('.test.ts') || /from 'node:test'/.test(source)) sources.set(file, source);
  }
  return sources;
}

/** The IDs a title names: `[a.b]` or `[a.b, c.d]` at its start. */
export function idsOfTitle(title: string): string[] {
  const match = ID_PREFIX.exec(title);
  return match?.[1] ? match[1].split(',').map((id) => id.trim()) : [];
}

export function titlesInSource(file: string, source: string): TestTitle[] {
  const titles: TestTitle[] = [];
  for (const match of source.matchAll(TITLE_CALL)) {
    const title = match[2] ?? '';
    const line = source.slice(0, match.index).split('\n').length;
    titles.push({ file, line, title, ids: idsOfTitle(title) });
  }
  return titles;
}

export function collectTestTitles(root: string): TestTitle[] {
  return [...findTitleFiles(root)].flatMap(([file, source]) => titlesInSource(file, source));
}
