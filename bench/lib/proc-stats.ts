/**
 * What the bench reads about another process from /proc: resident memory,
 * CPU time and open descriptors. Linux only, like the figures themselves.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

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

/** Open file descriptors (each TCP connection a server accepts is one). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
