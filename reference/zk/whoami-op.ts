/**
 * whoAmI (107): the identities the connection has authenticated as, `ip:<address>` first, as
 * WhoAmIResponse{vector<ClientInfo{ustring authScheme, ustring user}>}; a digest id shows only its user name.
 * No request body.
 *
 * Implements: zk.more-ops (whoAmI).
 */
import type { Id } from './acl.ts';
import type { OpHandler } from './request-ops.ts';

function userOf(id: Id): string {
  return id.scheme === 'digest' ? (id.id.split(':')[0] ?? '') : id.id;
}

export const whoAmI: OpHandler = {
  write: false,
  run(ctx) {
    const ids = [...ctx.client.authIds];
    return { body: (w) => void w.vector(ids, (e, id) => void e.ustring(id.scheme).ustring(userOf(id))) };
  },
};
