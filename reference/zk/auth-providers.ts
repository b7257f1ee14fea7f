/**
 * The authentication schemes a standalone ZooKeeper 3.8 has by default, and what each says about ids:
 * - `digest`: `addauth digest user:password` authenticates as `digest:user:<base64 of SHA-1 of user:password>`;
 *   an ACL id is valid when it splits on ':' into exactly two parts (as Java's split counts them: trailing empty
 *   parts dropped). Its ids count for the `auth` ACL scheme.
 * - `ip`: every connection starts authenticated as `ip:<its address>`; `addauth ip` adds that id again; an ACL
 *   id is an IPv4 address with an optional /bits mask (0..32). Its ids do not count for the `auth` scheme.
 * `world` (id `anyone` only) and `auth` are ACL schemes without a provider; any other scheme is unknown, and
 * an auth packet naming one fails (AUTHFAILED, then the connection closes).
 *
 * Implements: zk.acl-validation (ids), zk.auth.
 */
import { createHash } from 'node:crypto';
import type { Id } from './acl.ts';

export interface AuthProvider {
  /** The id an auth packet with `auth` bytes earns from `remoteHost`, or undefined when it fails. */
  authenticate(auth: Uint8Array | null, remoteHost: string): Id | undefined;
  /** Whether `id` is well formed for this scheme. */
  isValid(id: string): boolean;
  /** Whether ids of this scheme stand for an authenticated user (what the `auth` ACL scheme copies). */
  readonly authenticated: boolean;
  /** Whether the client identity `id` (of this scheme) is one the ACL entry id `aclExpr` names (ACL checks). */
  matches(id: string, aclExpr: string): boolean;
}

/** Java's String.split(sep): trailing empty strings are dropped. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function digestId(userPassword: string): string {
  const user = userPassword.split(':')[0] ?? '';
  return `${user}:${createHash('sha1').update(userPassword, 'utf8').digest('base64')}`;
}

function ipv4Bytes(address: string): number[] | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

/** The client address `id` (IPv4, or IPv4-mapped IPv6) lies in `aclExpr`, an address with an optional /bits. */
function ipMatches(id: string, aclExpr: string): boolean {
  const slash = aclExpr.indexOf('/');
  const acl = ipv4Bytes(slash === -1 ? aclExpr : aclExpr.slice(0, slash));
  const remote = ipv4Bytes(id.startsWith('::ffff:') ? id.slice(7) : id);
  if (acl === undefined || remote === undefined) return false;
  const bits = slash === -1 ? 32 : Number(aclExpr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const word = (b: number[]) => ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  return ((word(acl) & mask) >>> 0) === ((word(remote) & mask) >>> 0);
}

export const AUTH_PROVIDERS: ReadonlyMap<string, AuthProvider> = new Map<string, AuthProvider>([
  [
    'digest',
    {
      authenticated: true,
      authenticate: (auth) => (auth === null ? undefined : { scheme: 'digest', id: digestId(Buffer.from(auth).toString('utf8')) }),
      isValid: (id) => javaSplit(id, ':').length === 2,
      matches: (id, aclExpr) => id === aclExpr,
    },
  ],
  [
    'ip',
    {
      authenticated: false,
      authenticate: (_auth, remoteHost) => ({ scheme: 'ip', id: remoteHost }),
      isValid: (id) => {
        const slash = id.indexOf('/');
        const bytes = ipv4Bytes(slash === -1 ? id : id.slice(0, slash));
        if (bytes === undefined) return false;
        if (slash === -1) return true;
        const bits = id.slice(slash + 1);
        return /^[+-]?\d+$/.test(bits) && Number(bits) >= 0 && Number(bits) <= 32;
      },
      matches: ipMatches,
    },
  ],
]);
