/**
 * Where the probe connects: exactly the host and port the user named, nothing else. Loopback by default (a bare
 * port means 127.0.0.1); any other host must be named explicitly, and is probed only when the caller allows it.
 */

import { isIP } from 'node:net';
import { CnxnspecError } from '../../spec/errors.ts';

export interface WireTarget {
  readonly host: string;
  readonly port: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** `HOST:PORT`, `[v6]:PORT` or `PORT`. */
export function parseTarget(text: string): WireTarget {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:]+):(\d+)$/.exec(text);
  const bare = /^(\d+)$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1]!, bracketed[2]!] : plain ? [plain[1]!, plain[2]!] : bare ? ['127.0.0.1', bare[1]!] : [undefined, undefined];
  const port = Number(portText);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `${JSON.stringify(text)} is not HOST:PORT; try 127.0.0.1:2181 (or just 2181 for loopback)`);
  }
  if (host !== 'localhost' && isIP(host) === 0 && !/^[a-zA-Z0-9.-]+$/.test(host)) {
    throw new CnxnspecError('CNXNSPEC_ERR_CONFIG', `${JSON.stringify(host)} is not a host name or IP address`);
  }
  return { host, port };
}
