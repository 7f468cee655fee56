/**
 * Parsing of the <ip> and <port> arguments every CLI takes, and the ZeroMQ
 * endpoint built from them.
 */
import { isIP } from "node:net";
import { UsageError } from "../errors.js";

/**
 * Checks an address argument: an IPv4 or IPv6 literal, `localhost`, or, for
 * a server, `*` (every interface).
 */
export function parseHost(value: string, options: { server?: boolean } = {}): string {
  if (value === "localhost" || isIP(value) !== 0) return value;
  if (options.server && value === "*") return value;
  throw new UsageError(`'${value}' is not an IP address (try 127.0.0.1)`);
}

/**
 * Checks a port argument: a whole number from 1 to 65535. A server also
 * takes 0, meaning any free port (it prints the one it got).
 */
export function parsePort(value: string, name: string, options: { server?: boolean } = {}): number {
  const min = options.server ? 0 : 1;
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= min && port <= 65535)) {
    throw new UsageError(`${name} '${value}' is not a port number (${min} to 65535)`);
  }
  return port;
}

/** The tcp:// endpoint for a host and port; IPv6 literals go in brackets. */
export function tcpEndpoint(host: string, port: number | string): string {
  return isIP(host) === 6 ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}

/** The endpoint of another port on the same host: the file port beside the post port. */
export function withPort(endpoint: string, port: number): string {
  return endpoint.replace(/:\d+$/, `:${port}`);
}

/** Whether an endpoint needs the socket's ipv6 option. */
export function isIpv6Endpoint(endpoint: string): boolean {
  return endpoint.startsWith("tcp://[");
}
