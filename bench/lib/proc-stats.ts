/**
 * What the bench reads about another process from /proc: resident memory,
 * CPU time and accepted connections. Linux only, like the figures themselves.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/* Clock ticks per second of /proc/<pid>/stat's CPU fields (100 almost everywhere). */
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU seconds used so far, user plus system. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  /* The command name (field 2) may hold spaces; count fields after its ")". */
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/**
 * TCP connections process `pid` has accepted on local `port` and holds open:
 * its socket descriptors matched against /proc/net/tcp (IPv4) by inode.
 * Unlike a count of descriptors, nothing else the process opens or closes
 * meanwhile moves it.
 */
export function acceptedConnections(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed while we looked */
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // f[1] local address:port, f[3] state (01 = ESTABLISHED), f[9] inode
    if (f.length > 9 && f[1]!.endsWith(`:${hexPort}`) && f[3] === "01" && inodes.has(f[9]!)) count++;
  }
  return count;
}
