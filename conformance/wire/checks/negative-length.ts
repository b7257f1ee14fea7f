/** wire.bad-frame, cnxn.framing: a negative length prefix closes only its own connection, without a reply. */

import { badLengthOutcome } from '../bad-length.ts';
import type { WireCheck } from '../wire-check.ts';

export const negativeLength: WireCheck = {
  name: 'negative-length',
  requirements: ['wire.bad-frame', 'cnxn.framing'],
  description: 'length prefix -1 on a session, beside a healthy session',
  run: (target, options) => badLengthOutcome(target, options, -1, 'negative length'),
};
