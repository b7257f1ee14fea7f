/** Test fixture: a third-party client socket module. */
import { ClientCnxnSocketNIO } from '../client-socket.ts';

export function createClientCnxnSocket(): ClientCnxnSocketNIO {
  return new ClientCnxnSocketNIO();
}
