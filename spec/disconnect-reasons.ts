/**
 * The closed set of reasons a connection is closed for, with ZooKeeper's string values, so that traces from
 * Java and from the reference compare directly. A close with any other string is a spec violation.
 */
export const DISCONNECT_REASONS = [
  'unknown',
  'server_shutdown',
  'close_all_connections_forced',
  'connection_close_forced',
  'connection_expired',
  'client_closed_connection',
  'client_closed_session',
  'unable_to_read_from_client',
  'not_read_only_client',
  'client_zxid_ahead',
  'info_probe',
  'client_reconnect',
  'cancelled_key_exception',
  'io_exception',
  'io_exception_in_session_init',
  'buffer_underflow_exception',
  'sasl_auth_failure',
  'reset_command',
  'close_connection_command',
  'clean_up',
  'connection_mode_changed',
  'renew a global session in readonly mode',
  'channel disconnected',
  'channel_closed_exception',
  'auth provider not found',
  'Unsuccessful handshake',
  'Client hits rate limiting threshold',
  'Client hits connection limiting threshold',
] as const;

export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/**
 * Closes of sockets that never became connections (refused by a limit, failed registration, queued at stop)
 * use these, so that every close in a trace has a reason.
 */
export const SOCKET_CLOSE_REASONS = ['refused_per_ip_limit', 'refused_max_cnxns', 'register_failed', 'not_registered_at_stop', 'handoff_failed'] as const;

export type SocketCloseReason = (typeof SOCKET_CLOSE_REASONS)[number];

export function isDisconnectReason(value: string): value is DisconnectReason {
  return (DISCONNECT_REASONS as readonly string[]).includes(value);
}

export function isCloseReason(value: string): value is DisconnectReason | SocketCloseReason {
  return isDisconnectReason(value) || (SOCKET_CLOSE_REASONS as readonly string[]).includes(value);
}
