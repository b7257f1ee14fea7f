/** Defaults of the simulated network, in one place (see network.ts for what they mean). */

/** Backlog for bind(addr, backlog <= 0): node's default, which the node runtime gets too (the JDK's is 50). */
export const DEFAULT_BACKLOG = 511;
/** Bytes a peer lets the server have in flight to it unless told otherwise. */
export const DEFAULT_RECEIVE_WINDOW = 64 * 1024;
export const DEFAULT_PEER_IP = '127.0.0.1';
/** Linux's first ephemeral port, for bind to port 0. */
export const FIRST_EPHEMERAL_PORT = 32768;
/** IANA's first dynamic port, for the client side of connections. */
export const FIRST_CLIENT_PORT = 49152;
