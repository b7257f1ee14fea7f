/**
 * Znode paths: absolute, `/`-separated, no empty, `.` or `..` segments, no trailing `/` (except the root), and
 * none of the characters ZooKeeper refuses (NUL, C0 and C1 controls, U+D800..U+F8FF, U+FFF0..U+FFFF). Writes
 * with a bad path fail with BADARGUMENTS; reads of a bad path simply find no node, as in ZooKeeper.
 */
import { Err, KeeperError } from './error-codes.ts';

function badChar(code: number): boolean {
  return (
    code === 0 ||
    (code > 0x00 && code <= 0x1f) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xd800 && code <= 0xf8ff) ||
    (code >= 0xfff0 && code <= 0xffff)
  );
}

/** Why `path` is not a valid znode path, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path[0] !== '/') return 'the path must start with /';
  if (path.length === 1) return undefined;
  if (path.endsWith('/')) return 'the path must not end with /';
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return 'the path has an empty segment (//)';
    if (segment === '.' || segment === '..') return 'relative segments (. and ..) are not allowed';
  }
  for (let i = 0; i < path.length; i++) {
    if (badChar(path.charCodeAt(i))) return `character U+${path.charCodeAt(i).toString(16).padStart(4, '0')} at ${i} is not allowed`;
  }
  return undefined;
}

/** Throws BADARGUMENTS for a bad path. A sequential create checks the path with a suffix, as the name gets one. */
export function validatePath(path: string, sequential = false): void {
  const problem = pathProblem(sequential ? `${path}1` : path);
  if (problem !== undefined) throw new KeeperError(Err.BADARGUMENTS, `${path} (${problem})`);
}

/** The first check of create and delete: a '/' somewhere and no NUL, or BADARGUMENTS. */
export function checkPathShape(path: string): void {
  if (path.lastIndexOf('/') === -1 || path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, `${path} (a path needs a / and no NUL)`);
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
