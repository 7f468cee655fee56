/**
 * Whether an endpoint stays on this machine: 127.0.0.0/8, ::1 (and the
 * IPv4-mapped ::ffff:127.x.x.x), and `localhost`. Traffic to anything else
 * crosses a network, where plain ZeroMQ (no CURVE) can be read.
 */
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether a host (an IP literal, brackets allowed, or `localhost`) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (bare.toLowerCase() === "localhost") return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 6 ? "ipv6" : "ipv4");
}

/** Whether a `tcp://host:port` endpoint is on loopback; anything unparsable is not. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):\d+$/.exec(endpoint);
  return m !== null && isLoopbackHost(m[1]!);
}
