/**
 * Post throughput: 1, 4 and 16 closed-loop REQ clients in one process, each
 * posting 100-byte bodies, against mc_server (in memory and with --store)
 * against a bare REP echo server answering the same clients, and against
 * the pyzmq relay (bench/servers/pyzmq_relay.py) when Python has pyzmq. Also the
 * server's CPU time per post, read from /proc over the same window, and the
 * fastest zeromq.js relay we found, with no chat logic (bare.js router-fast):
 * next to the pyzmq relay, what the binding itself allows.
 */
import { join } from "node:path";
import { cpuSeconds } from "./lib/proc-stats.js";
import { PYZMQ, startServer, startWorker, type Server } from "./lib/children.js";
import { pythonWithZmq } from "./lib/python.js";
import { figure, type Figure } from "./lib/report.js";
import { pairedRatio, sleep } from "./lib/stats.js";

export interface ThroughputOptions {
  clients: number[];
  warmupMs: number;
  measureMs: number;
  /** Each configuration is measured this many times, interleaved; the best round counts. */
  rounds: number;
  tmpDir: string;
}

export interface Run {
  rate: number;
  /** CPU of the server process (all its threads) per post. */
  cpuUsPerPost: number;
  /** CPU of the process running the clients per post: what the other core spends. */
  clientCpuUsPerPost: number;
  errors: number;
}

const MC = "part4/mc_server.js";

/** Runs the measurements; returns the figures and the best 16-client in-memory rate (for the loaded latency). */
export async function throughput(o: ThroughputOptions): Promise<{ figures: Figure[]; runs: Record<string, Run[]> }> {
  const worker = startWorker();
  const runs: Record<string, Run[]> = {};
  let db = 0;
  const servers: Record<string, () => Promise<Server>> = {
    bare: () => startServer("bench/servers/bare.js", ["echo"]),
    fast: () => startServer("bench/servers/bare.js", ["router-fast"]),
    memory: () => startServer(MC, ["--rate", "0"]),
    sqlite: () => startServer(MC, ["--rate", "0", "--store", join(o.tmpDir, `throughput-${++db}.db`)]),
    ...(pythonWithZmq() ? { pyzmq: () => startServer(PYZMQ) } : {}),
  };
  try {
    /*
     * Every other round in the opposite order (ABBA), as in the fan-out: in a
     * fixed order, of two copies of the same mc_server measured in turn over
     * 12 rounds the second did x0.974 the posts/s at x1.041 the CPU a post
     * (medians of the rounds' ratios), against x1.015 and x1.003 with the
     * order alternated: a steady drift of the machine over the run puts the
     * later of each pair on the same side every time.
     */
    const order = Object.entries(servers);
    for (let round = 0; round < o.rounds; round++) {
      for (const clients of o.clients) {
        for (const [kind, start] of round % 2 === 0 ? order : [...order].reverse()) {
          const server = await start();
          try {
            (runs[`${kind}-${clients}`] ??= []).push(await measure(worker, server, clients, o));
          } finally {
            await server.stop();
          }
        }
      }
    }
  } finally {
    await worker.stop();
  }
  const best = (key: string) => runs[key]!.reduce((a, b) => (b.rate > a.rate ? b : a));
  /*
   * The pyzmq relay's figure (issue 16's yardstick), when it ran: its best
   * round, and the ratio as the median of each round's own (pairedRatio).
   */
  const py = (clients: number, key: string, f: (r: Run) => number) => {
    const python = runs[`pyzmq-${clients}`];
    return python ? { python: f(best(`pyzmq-${clients}`)), pythonRatio: pairedRatio(runs[key]!.map(f), python.map(f)) } : {};
  };
  const figures: Figure[] = [];
  const section = "Post throughput (REQ clients, 100-byte bodies)";
  for (const clients of o.clients) {
    const bare = best(`bare-${clients}`);
    for (const kind of ["memory", "sqlite"] as const) {
      const chat = best(`${kind}-${clients}`);
      const target = clients === 16 ? { atLeast: kind === "memory" ? 0.85 : 0.6 } : undefined;
      const name = `${clients} client${clients > 1 ? "s" : ""}, ${kind === "memory" ? "in memory" : "--store (SQLite)"}`;
      figures.push(figure({ section, name, unit: "posts/s", chat: chat.rate, bare: bare.rate, ...py(clients, `${kind}-${clients}`, (r) => r.rate), ...(chat.errors ? { note: `${chat.errors} errors` } : {}) }, target));
    }
  }
  for (const clients of o.clients) {
    figures.push(figure({
      section,
      name: `${clients} client${clients > 1 ? "s" : ""}, the fastest zeromq.js relay, no chat logic (bare.js router-fast)`,
      unit: "posts/s", chat: best(`fast-${clients}`).rate, bare: best(`bare-${clients}`).rate, ...py(clients, `fast-${clients}`, (r) => r.rate),
    }));
  }
  for (const clients of o.clients) {
    const bare = best(`bare-${clients}`);
    for (const kind of ["memory", "sqlite"] as const) {
      const chat = best(`${kind}-${clients}`);
      figures.push(figure({
        section: "Server CPU per post (from /proc, same runs)",
        name: `${clients} client${clients > 1 ? "s" : ""}, ${kind === "memory" ? "in memory" : "--store (SQLite)"}`,
        unit: "us", chat: chat.cpuUsPerPost, bare: bare.cpuUsPerPost, ...py(clients, `${kind}-${clients}`, (r) => r.cpuUsPerPost),
      }));
    }
  }
  const last = o.clients[o.clients.length - 1]!;
  figures.push(figure({
    section: "Server CPU per post (from /proc, same runs)",
    name: `the ${last} clients' own process, in memory`,
    unit: "us", chat: best(`memory-${last}`).clientCpuUsPerPost, bare: best(`bare-${last}`).clientCpuUsPerPost,
  }));
  return { figures, runs };
}

async function measure(worker: ReturnType<typeof startWorker>, server: Server, clients: number, o: ThroughputOptions): Promise<Run> {
  type Mark = { count: number; errors: number; atMs: number };
  await worker.call("loopStart", { endpoint: server.post, clients, channel: "bench" });
  try {
    await sleep(o.warmupMs);
    const cpu0 = [cpuSeconds(server.pid), cpuSeconds(worker.pid)];
    const m0 = await worker.call<Mark>("loopMark");
    await sleep(o.measureMs);
    const m1 = await worker.call<Mark>("loopMark");
    const cpu1 = [cpuSeconds(server.pid), cpuSeconds(worker.pid)];
    const posts = m1.count - m0.count;
    const perPost = (i: number) => (posts > 0 ? ((cpu1[i]! - cpu0[i]!) * 1e6) / posts : NaN);
    return { rate: posts / ((m1.atMs - m0.atMs) / 1000), cpuUsPerPost: perPost(0), clientCpuUsPerPost: perPost(1), errors: m1.errors };
  } finally {
    await worker.call("loopStop");
  }
}
