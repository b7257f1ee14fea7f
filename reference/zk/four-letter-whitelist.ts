/**
 * `4lw.commands.whitelist`: which four-letter words may run. Comma-separated, entries trimmed, empty ones
 * ignored; `*` enables every known word; `srvr` is always enabled; unset means `srvr` alone. A word that is not
 * enabled is answered `<word> is not executed because it is not in the whitelist.` and the connection closed.
 *
 * Implements: zk.whitelist.
 */
import { FOUR_LETTER_WORDS } from '../../spec/server-cnxn-factory.ts';

export class FourLetterWhitelist {
  private readonly enabled: ReadonlySet<string>;

  constructor(setting: string | undefined) {
    const entries = (setting ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
    const words = new Set<string>(entries.includes('*') ? FOUR_LETTER_WORDS : entries);
    words.add('srvr');
    this.enabled = words;
  }

  isEnabled(word: string): boolean {
    return this.enabled.has(word);
  }

  words(): string[] {
    return [...this.enabled].sort();
  }
}

export function notInWhitelistReply(word: string): string {
  return `${word} is not executed because it is not in the whitelist.\n`;
}
