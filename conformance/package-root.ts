/**
 * The package's own folder, found from this module whether it runs as a TypeScript source in a clone or as
 * compiled JavaScript under dist/ in an installed package: the files shipped beside the code (package.json,
 * spec/pending.txt, fixtures/zoo.cfg) are found from anywhere.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'cnxnspec') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cnxnspec's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();

export function packageFile(relative: string): string {
  return join(PACKAGE_ROOT, relative);
}

export const PACKAGE_VERSION = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
