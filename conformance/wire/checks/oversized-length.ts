/** wire.bad-frame, cnxn.framing: a length over jute.maxbuffer closes only its own connection, without a reply. */

import { badLengthOutcome } from '../bad-length.ts';
import type { WireCheck } from '../wire-check.ts';

export const oversizedLength: WireCheck = {
  name: 'oversized-length',
  requirements: ['wire.bad-frame', 'cnxn.framing'],
  description: 'length prefix jute.maxbuffer + 1 on a session, beside a healthy session',
  run: (target, options) => badLengthOutcome(target, options, options.juteMaxBuffer + 1, 'length over jute.maxbuffer'),
};
