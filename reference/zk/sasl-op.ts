/**
 * sasl (102) on a server without SASL configured, as ZooKeeper 3.8 answers it: the GetSASLRequest{buffer token}
 * is read, no SASL server exists to evaluate it, and the reply is OK with SetSASLResponse{buffer token} carrying a
 * null token; the connection stays. ZooKeeper reads this request outside its request pipeline, so a body it cannot
 * decode, or a null token (it reads the token's length), fails it before it answers: the connection closes without
 * a reply, not with MARSHALLINGERROR. (SASL itself, with JAAS and Kerberos, stays out: see
 * README.md.)
 *
 * Implements: zk.sasl.
 */
import { JuteError } from './jute-error.ts';
import type { OpHandler } from './request-ops.ts';

export const saslWithoutSasl: OpHandler = {
  write: false,
  run(_ctx, r) {
    let token: Uint8Array | null;
    try {
      token = r.buffer('token');
    } catch (err) {
      if (!(err instanceof JuteError)) throw err;
      return { refuse: `an undecodable SASL request: ${err.message}` };
    }
    if (token === null) return { refuse: 'a SASL request with a null token' };
    return { body: (w) => void w.buffer(null) };
  },
};
