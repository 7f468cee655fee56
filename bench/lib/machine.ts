/** The description of the machine and software a bench run is stamped with. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { version as libzmq } from "zeromq";
import { ROOT } from "./children.js";

const packageVersion = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/** Load averages (1, 5, 15 minutes), rounded. */
export function load(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

export function describeMachine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["describe", "--always", "--dirty"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    zeromqJs: packageVersion("zeromq"),
    libzmq,
    betterSqlite3: packageVersion("better-sqlite3"),
    commit,
  };
}
