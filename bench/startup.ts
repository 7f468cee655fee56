/**
 * A client's start (issue 16: "a client starts in <= 0.15 s of CPU"): the
 * CPU (user + system) of one whole `mc_client` run against a running
 * mc_server with stdin from /dev/null, so that it joins, shows the join
 * lines and leaves at end of input. Beside it, in the same run, the CPU of
 * `node -e 0`: what any Node process costs on this machine, which is the
 * baseline (the ratio is how many bare Node starts a client costs).
 *
 * How a child's CPU is read: the run goes through `bash -c '<command>;
 * times'`, whose second line is the user and system time of bash's waited-for
 * children, that is of the one node process alone (from the kernel's rusage
 * of the reaped child, to the millisecond; bash's own time is on the first
 * line and not counted). Node itself only reports its own rusage.
 */
import { spawnSync } from "node:child_process";
import { startServer } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { median } from "./lib/stats.js";

export interface StartupOptions {
  /** Runs of each command; the median is reported. */
  runs: number;
}

/** "0m0.123s" in seconds. */
function seconds(t: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  if (!m) throw new Error(`times printed ${JSON.stringify(t)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Runs `node ...args` (stdin /dev/null) and returns its CPU in ms (user + system), and its exit status. */
export function childCpu(args: string[], cwd: string): { ms: number; status: number | null; stderr: string } {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  const r = spawnSync("bash", ["-c", `${quoted} </dev/null >/dev/null 2>"$ERR"; code=$?; times >&3; exit $code`], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ERR: "/dev/null" },
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 30_000,
  });
  const out = (r.output[3] as string | null) ?? "";
  const children = out.trim().split("\n")[1]?.trim().split(/\s+/);
  if (!children || children.length !== 2) throw new Error(`no times from bash: ${JSON.stringify(out)} ${r.error?.message ?? ""}`);
  return { ms: (seconds(children[0]!) + seconds(children[1]!)) * 1000, status: r.status, stderr: r.stderr };
}

export async function startup(o: StartupOptions): Promise<{ figures: Figure[]; details: object }> {
  const server = await startServer("part4/mc_server.js", ["--rate", "0"]);
  const port = (endpoint: string) => endpoint.slice(endpoint.lastIndexOf(":") + 1);
  const client = ["part4/mc_client.js", "127.0.0.1", port(server.post), port(server.pub), "general", "kyle"];
  const node: number[] = [];
  const chat: number[] = [];
  const help: number[] = [];
  try {
    /* Interleaved, so that a change in the machine's load falls on both alike. */
    for (let i = 0; i < o.runs; i++) {
      node.push(childCpu(["-e", "0"], process.cwd()).ms);
      const run = childCpu(client, process.cwd());
      if (run.status !== 0) throw new Error(`mc_client exited ${run.status}`);
      chat.push(run.ms);
      help.push(childCpu(["part4/mc_client.js", "--help"], process.cwd()).ms);
    }
  } finally {
    await server.stop();
  }
  const section = "Client start (CPU, user + system)";
  const note = `median of ${o.runs}; baseline: node -e 0`;
  return {
    figures: [
      figure({ section, name: "mc_client joins and leaves (stdin /dev/null)", unit: "ms", chat: median(chat), bare: median(node), note }, { atMost: 150, on: "chat" }),
      figure({ section, name: "mc_client --help", unit: "ms", chat: median(help), bare: median(node), note }),
    ],
    details: { runs: o.runs, nodeMs: node, clientMs: chat, helpMs: help },
  };
}
