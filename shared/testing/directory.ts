/**
 * Test support for the directory: mc_directory on a free port in a NATS
 * cluster, with every chat server it launches killed (their process groups)
 * when the test ends, even if the directory itself was killed first.
 */
import type { TestContext } from "node:test";
import { run, type Proc } from "./processes.js";

export const DIRECTORY = "part4/mc_directory.js";

export interface DirectoryProc extends Proc {
  /** ip:port, as a client's --directory takes it. */
  address: string;
  /** The pid of the chat server publishing on `pub` (from the directory's "registered" line). */
  serverPid(pub: string): number | undefined;
  /** How many chat servers it has launched so far. */
  launches(): number;
}

/** Starts mc_directory on 127.0.0.1, port 0, in the cluster at `urls`, and waits for its readiness line. */
export async function startDirectory(t: TestContext, urls: string, extra: string[] = []): Promise<DirectoryProc> {
  const proc = run(t, DIRECTORY, ["127.0.0.1", "0", "--cluster", urls, ...extra]);
  t.after(() => {
    for (const l of proc.out) {
      const m = /^launching a chat server \(pid (\d+)\)/.exec(l);
      if (m) killGroup(Number(m[1]));
    }
  });
  const m = await proc.line(/^directory listening on tcp:\/\/([\d.]+:\d+), /);
  return {
    ...proc,
    address: m[1]!,
    serverPid: (pub) => {
      const line = proc.out.find((l) => /^server \S+ registered:/.test(l) && l.includes(`publishing on ${pub} `));
      const pid = line && /\(pid (\d+) on /.exec(line)?.[1];
      return pid ? Number(pid) : undefined;
    },
    launches: () => proc.out.filter((l) => l.startsWith("launching a chat server ")).length,
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    /* gone already */
  }
}
