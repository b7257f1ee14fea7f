/**
 * Profiles: which requirements apply to a factory's design. The suite judges a factory against one profile,
 * chosen by the user (`cnxnspec test --profile netty`) or declared by the factory module (an exported constant
 * `profile = 'netty'`), and otherwise `nio`. It is never guessed from what the factory reports at run time, so a
 * factory cannot escape a requirement by describing itself differently.
 *
 *   nio    the NIO-style design: accept thread, selector threads with acceptedQueue and updateQueue, worker pool,
 *          bucketed expirer. Every checked requirement except the netty.* ones.
 *   netty  an event-loop design: a boss loop and worker loops, each channel bound to one loop for life. What
 *          applies, each judged from observations: loop affinity (netty.event-loop-affinity, its own invariant,
 *          below), TLS before frames and start-bind (netty.tls, netty.start-bind: checks/netty-checks.ts), the
 *          per-address limit at channel-active (netty.per-ip-limit, in the search and on the wire), framing, outgoing order, close
 *          (idempotent, with an observed cause, connectionClosed once, no IO after it), throttling as the handler
 *          asks for it (disableRecv/enableRecv, held reads after a ConnectRequest), four-letter words, the wire
 *          behaviour and the factory lifecycle. What does not apply: the NIO machinery (accept thread, updateQueue,
 *          interest ops cleared during IO, IO handed to workers), expiry.* (an event-loop factory has no expirer
 *          thread and, as ZooKeeper's Netty factory, no connection-level expiry once a session exists; the
 *          reference's idle timeout before a ConnectRequest is its own addition, see reference/netty/README.md),
 *          lifecycle.open-accept-io-clean (its phases are those threads'), configure.bind and configure.port-zero
 *          (binding happens at start: netty.start-bind). The total limit (accept.max-cnxns) applies: its check
 *          judges an event-loop factory's admission at channel-active as it judges the NIO handoff.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CnxnspecError } from '../../spec/errors.ts';
import { eventLoopInvariants, type Invariant } from '../../spec/invariants/index.ts';

export const PROFILE_NAMES = ['nio', 'netty'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  /** Requirement IDs that apply (and only these are judged); a pattern ending in `.` takes a whole area. */
  readonly applies: readonly string[];
  /** IDs excluded even though a pattern above takes them. */
  readonly except?: readonly string[];
  /** Safety invariants of this design only, judged over every run on top of the default ones. */
  readonly invariants?: readonly Invariant[];
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  nio: {
    name: 'nio',
    description: 'NIO-style design: accept thread, selector threads with queues, worker pool, bucketed expirer',
    applies: ['factory.', 'lifecycle.', 'accept.', 'selector.', 'io.', 'cnxn.', 'expiry.', 'wire.', 'nio.', 'configure.', 'runtime.'],
  },
  netty: {
    name: 'netty',
    description: 'event-loop design: boss and worker event loops, each channel on one loop for life, TLS on the secure port',
    applies: [
      'netty.',
      'factory.host-runtime-only',
      'factory.lifecycle-start-once',
      'factory.lifecycle-stop',
      'cnxn.framing',
      'cnxn.outgoing-buffers',
      'cnxn.close',
      'cnxn.four-letter-word',
      'cnxn.throttle',
      'accept.max-cnxns',
      'wire.',
    ],
    invariants: eventLoopInvariants,
  },
};

/** True when requirement `id` is judged under `profile`. */
export function applies(profile: Profile, id: string): boolean {
  if (profile.except?.includes(id)) return false;
  return profile.applies.some((p) => (p.endsWith('.') ? id.startsWith(p) : id === p));
}

/** The profile named `name`; an unknown name is a configuration error listing the known ones. */
export function profileNamed(name: string): Profile {
  const profile = (PROFILES as Record<string, Profile | undefined>)[name];
  if (profile === undefined) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `unknown profile "${name}"; use one of ${PROFILE_NAMES.join(', ')} (see conformance/INTERPRETING.md)`);
  }
  return profile;
}

/** The profile a factory module declares with an exported `profile` constant (named or on its default export). */
export function declaredProfile(mod: Record<string, unknown>): Profile | undefined {
  const fallback = mod.default as Record<string, unknown> | undefined;
  const declared = mod.profile ?? fallback?.profile;
  if (declared === undefined) return undefined;
  if (typeof declared !== 'string') throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `the factory module's exported profile must be a string, one of ${PROFILE_NAMES.join(', ')}`);
  return profileNamed(declared);
}

/** The user's choice wins, then the module's declaration, then `nio`. */
export function chooseProfile(flag: string | undefined, mod: Record<string, unknown> | undefined): Profile {
  if (flag !== undefined) return profileNamed(flag);
  return (mod === undefined ? undefined : declaredProfile(mod)) ?? PROFILES.nio;
}

/** chooseProfile for a factory module path (none: the reference NIO factory, profile nio). */
export async function profileFor(flag: string | undefined, factoryPath: string | undefined): Promise<Profile> {
  if (flag !== undefined || factoryPath === undefined) return chooseProfile(flag, undefined);
  const url = pathToFileURL(isAbsolute(factoryPath) ? factoryPath : resolve(process.cwd(), factoryPath)).href;
  // A module that fails to load is reported by the suite itself, with its own message.
  const mod = (await importFactoryModule(url, factoryPath).catch(() => undefined)) as Record<string, unknown> | undefined;
  return chooseProfile(undefined, mod);
}

/**
 * The installed package runs as compiled JavaScript with no TypeScript loader in this process (the suite's child
 * gets one), so a TypeScript factory is imported through tsx here; otherwise its declared profile would be lost
 * and it would be judged as nio.
 */
async function importFactoryModule(url: string, factoryPath: string): Promise<unknown> {
  if (!/\.[cm]?tsx?$/.test(factoryPath) || import.meta.url.endsWith('.ts')) return import(url);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
}

function escape(id: string): string {
  return id.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * A pattern matching the IDs `profile` judges among `ids`, and `only` too when given: what the suite's `only`
 * filter takes, so findings and the per-requirement results both follow the profile.
 */
export function profilePattern(profile: Profile, ids: readonly string[], only?: RegExp): RegExp {
  const taken = ids.filter((id) => applies(profile, id) && (only === undefined || only.test(id)));
  return new RegExp(taken.length === 0 ? '^(?!)' : `^(?:${taken.map(escape).join('|')})$`);
}
