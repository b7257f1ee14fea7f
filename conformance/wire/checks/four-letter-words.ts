/**
 * zk.four-letter-words and zk.whitelist: ruok, srvr, stat, cons, mntr sent as the first 4 bytes of a connection
 * get a text answer and a close. A word refused because it is not in 4lw.commands.whitelist is a legitimate
 * answer (the whitelist is configuration), so it counts for zk.whitelist and the word's own answer is not judged.
 */

import { WireConnection } from '../wire-connection.ts';
import { fail, pass, type WireCheck } from '../wire-check.ts';
import type { WireTarget } from '../target.ts';

const WORDS = ['ruok', 'srvr', 'stat', 'cons', 'mntr'] as const;
const NOT_WHITELISTED = /not in the whitelist|not executed/i;

async function ask(target: WireTarget, word: string, timeoutMs: number): Promise<{ text: string; closed: boolean }> {
  const conn = await WireConnection.open(target, timeoutMs, true);
  conn.write(Buffer.from(word));
  const ended = await conn.ending(timeoutMs);
  conn.close();
  return { text: Buffer.concat(conn.raw).toString('utf8'), closed: ended !== undefined };
}

const looksRight: Readonly<Record<(typeof WORDS)[number], RegExp>> = {
  ruok: /^imok$/,
  srvr: /Zookeeper version:[\s\S]*Mode:/,
  stat: /Zookeeper version:[\s\S]*Clients:/,
  cons: /^( .*\n)*$|\[\d+\]\(queued=/,
  mntr: /zk_version\s/,
};

export const fourLetterWords: WireCheck = {
  name: 'four-letter-words',
  requirements: ['zk.four-letter-words', 'zk.whitelist'],
  description: 'ruok, srvr, stat, cons, mntr each on its own connection: an answer of the right shape (or a whitelist refusal), then a close',
  async run(target, options) {
    const seen: string[] = [];
    const problems: string[] = [];
    for (const word of WORDS) {
      const { text, closed } = await ask(target, word, options.stepTimeoutMs);
      if (!closed) problems.push(`${word}: the connection stayed open after the answer`);
      if (NOT_WHITELISTED.test(text)) seen.push(`${word}: not whitelisted`);
      else if (text.length === 0) problems.push(`${word}: no answer`);
      else if (!looksRight[word].test(text)) problems.push(`${word}: unexpected answer ${JSON.stringify(text.slice(0, 60))}`);
      else seen.push(`${word}: ${text.length} bytes`);
    }
    return problems.length > 0 ? fail(problems.join('; ')) : pass(seen.join(', '));
  },
};
