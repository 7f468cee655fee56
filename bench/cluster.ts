/**
 * The cluster (issue 15): posts per second, delivery across servers and
 * post-to-subscriber latency through 1, 2 and 3 mc_server processes on one
 * 3-node NATS JetStream cluster (R3), next to a single server in memory
 * and with --store, all in the same run. The single in-memory server is the
 * baseline column; the ratio is each configuration's figure to it.
 *
 *   throughput  16 closed-loop REQ clients, spread evenly over the servers
 *   delivery    one pipelined poster on the first server, one subscriber on
 *               the last: what crosses the cluster, and that none is lost
 *   latency     one post at a time (1 ms apart) to the first server, heard
 *               by a subscriber of the last
 *
 * On this machine every NATS node, every server and every client share two
 * cores, so these figures are the cluster's cost per post, not its scale:
 * a second server adds no CPU here, it only divides the same two cores.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startNatsCluster, type NatsCluster } from "../shared/cluster/nats-nodes.js";
import { startServer, startWorker, type Server, type Worker } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles, sleep, type Percentiles } from "./lib/stats.js";
import type { Delivery } from "./clients/subscribers.js";
import { warmUntil } from "./fanout.js";
import type { PipelinedResult } from "./clients/pipelined.js";

export interface ClusterBenchOptions {
  clients: number;
  warmupMs: number;
  measureMs: number;
  /** Posts of the delivery run. */
  messages: number;
  /** Latency samples per configuration. */
  samples: number;
  tmpDir: string;
}

interface Result {
  rate: number;
  delivered: number;
  lost: number;
  latency: Percentiles & { lost: number };
}

const MC = "part4/mc_server.js";

/** Runs every configuration in turn; returns the figures and the raw results. */
export async function clusterBench(o: ClusterBenchOptions): Promise<{ figures: Figure[]; details: object }> {
  const dir = join(o.tmpDir, "nats");
  mkdirSync(dir, { recursive: true });
  const nats = await startNatsCluster(dir, 3);
  const workers = [startWorker(), startWorker(), startWorker()];
  const subscriber = startWorker();
  const results: Record<string, Result> = {};
  try {
    const configs: [string, () => Promise<Server[]>][] = [
      ["single server, in memory", async () => [await startServer(MC, ["--rate", "0"])]],
      ["single server, --store (SQLite)", async () => [await startServer(MC, ["--rate", "0", "--store", join(o.tmpDir, "cluster-single.db")])]],
      ["cluster, 1 server", () => servers(nats, 1)],
      ["cluster, 2 servers", () => servers(nats, 2)],
      ["cluster, 3 servers", () => servers(nats, 3)],
    ];
    for (const [name, start] of configs) {
      process.stderr.write(`  ${name}\n`);
      const running = await start();
      try {
        results[name] = {
          rate: await throughput(running, workers, o),
          ...(await delivery(running, workers[0]!, subscriber, o.messages)),
          latency: await latency(running, subscriber, o.samples),
        };
      } finally {
        await Promise.all(running.map((s) => s.stop()));
      }
    }
  } finally {
    await Promise.all([...workers, subscriber].map((w) => w.stop()));
    await nats.stop();
  }
  const base = results["single server, in memory"]!;
  const figures: Figure[] = [];
  const section = "Cluster (3 NATS nodes, R3, all on this machine; the baseline column is one server in memory)";
  for (const [name, r] of Object.entries(results)) {
    figures.push(
      figure({ section, name: `${name}: posts/s, ${o.clients} clients`, unit: "posts/s", chat: r.rate, bare: base.rate }),
      figure({ section, name: `${name}: delivered, first server to last`, unit: "msgs/s", chat: r.delivered, bare: base.delivered,
        ...(r.lost ? { note: `${r.lost} lost` } : {}) }),
      figure({ section, name: `${name}: latency p50`, unit: "us", chat: r.latency.p50, bare: base.latency.p50 }),
      figure({ section, name: `${name}: latency p99`, unit: "us", chat: r.latency.p99, bare: base.latency.p99,
        ...(r.latency.lost ? { note: `${r.latency.lost} not heard within 1 s` } : {}) }),
    );
  }
  return { figures, details: results };
}

/** `count` mc_server processes on the cluster. */
async function servers(nats: NatsCluster, count: number): Promise<Server[]> {
  const started: Server[] = [];
  for (let i = 0; i < count; i++) started.push(await startServer(MC, ["--rate", "0", "--cluster", nats.urls]));
  return started;
}

/** Posts/s of `clients` closed-loop clients, spread over the servers (one worker each). */
async function throughput(running: Server[], workers: Worker[], o: ClusterBenchOptions): Promise<number> {
  type Mark = { count: number; errors: number; atMs: number };
  const used = running.map((s, i) => ({ s, w: workers[i]!, clients: Math.floor(o.clients / running.length) + (i < o.clients % running.length ? 1 : 0) }));
  await Promise.all(used.map(({ s, w, clients }) => w.call("loopStart", { endpoint: s.post, clients, channel: "bench" })));
  try {
    await sleep(o.warmupMs);
    const m0 = await Promise.all(used.map(({ w }) => w.call<Mark>("loopMark")));
    await sleep(o.measureMs);
    const m1 = await Promise.all(used.map(({ w }) => w.call<Mark>("loopMark")));
    return m1.reduce((sum, m, i) => sum + (m.count - m0[i]!.count) / ((m.atMs - m0[i]!.atMs) / 1000), 0);
  } finally {
    await Promise.all(used.map(({ w }) => w.call("loopStop")));
  }
}

/** A pipelined burst posted to the first server, counted by a subscriber of the last. */
async function delivery(running: Server[], poster: Worker, subscriber: Worker, messages: number): Promise<{ delivered: number; lost: number }> {
  const first = running[0]!;
  const last = running[running.length - 1]!;
  /* Warm posts through the first server until the last one's subscriber hears one: the path is open end to end. */
  await warmUntil(poster, first.post, subscriber.call("subscribe", { pub: last.pub, channel: "delivery", hwm: messages * 2 }, 30_000));
  const collecting = subscriber.call<Delivery>("collect", { expect: messages, idleMs: 5000 }, 300_000);
  const posted = await poster.call<PipelinedResult>("pipelined", { endpoint: first.post, count: messages, window: 100, channel: "delivery" }, 300_000);
  const got = await collecting;
  return { delivered: got.received / ((got.lastAtMs - posted.startMs) / 1000), lost: messages - got.received + got.gaps };
}

/** Post-to-subscriber latency, first server to last. */
async function latency(running: Server[], probe: Worker, samples: number): Promise<Percentiles & { lost: number }> {
  const p = await probe.call<{ samples: number[]; lost: number }>("probe", {
    post: running[0]!.post, pub: running[running.length - 1]!.pub, count: samples, intervalMs: 1, channel: "latency",
  }, 180_000);
  return { ...percentiles(p.samples), lost: p.lost };
}
