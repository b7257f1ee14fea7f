/**
 * Which requirements apply to which design. The user names the profile (`--profile`), never the suite guessing
 * it from what a factory reports: a Netty-style factory is judged on event loops, affinity and TLS, an NIO-style
 * one on its accept thread, selector threads and worker pool.
 */

export const PROFILES = ['nio'] as const;

export type Profile = (typeof PROFILES)[number];

/** Why `id` does not apply under `profile`, or undefined when it does. */
export function notInProfile(profile: Profile, id: string): string | undefined {
  if (profile === 'nio' && id.startsWith('netty.')) return 'applies to event-loop (Netty-style) factories; this run judged the nio profile';
  return undefined;
}
