/**
 * The four-letter words the conformance handler takes, and their answers (raw text, no length prefix, then a
 * close after flush, as ZooKeeper answers them). Any other known word is declined, so the factory must read its
 * four bytes as a frame length, which fails the length check and closes the connection.
 */

const ANSWERS: Readonly<Record<string, string>> = {
  ruok: 'imok',
  isro: 'rw',
  srvr: 'Zookeeper version: cnxnspec-conformance\nMode: standalone\n',
};

/** The answer to `word`, or undefined when the handler declines it. */
export function fourLetterAnswer(word: string): string | undefined {
  return ANSWERS[word];
}
