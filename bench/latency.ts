/**
 * End-to-end latency: from just before a post is sent to its arrival at a
 * subscriber in the same process, one post at a time, first on an idle
 * server and then while another process posts at a steady rate (half of
 * mc_server's measured throughput). Baseline: a bare REP server that
 * publishes each request on a PUB socket and acks it, the same hops.
 */
import { startServer, startWorker, type Server } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles, sleep, type Percentiles } from "./lib/stats.js";

export interface LatencyOptions {
  /** Posts a second of background load in the loaded case. */
  loadRate: number;
  samples: number;
  intervalMs: number;
}

interface Probe {
  samples: number[];
  lost: number;
}

export async function latency(o: LatencyOptions): Promise<{ figures: Figure[]; details: object }> {
  const probe = startWorker();
  const load = startWorker();
  const results: Record<string, { light: Percentiles & { lost: number }; loaded: Percentiles & { lost: number }; loadAcked: number }> = {};
  const servers: Record<string, () => Promise<Server>> = {
    bare: () => startServer("bench/servers/bare.js", ["relay"]),
    chat: () => startServer("part4/mc_server.js", ["--rate", "0"]),
  };
  try {
    for (const [kind, start] of Object.entries(servers)) {
      const server = await start();
      try {
        const run = async () => {
          const p = await probe.call<Probe>("probe", { post: server.post, pub: server.pub, count: o.samples, intervalMs: o.intervalMs, channel: "lat" }, 120_000);
          return { ...percentiles(p.samples), lost: p.lost };
        };
        const light = await run();
        await load.call("paceStart", { endpoint: server.post, rate: o.loadRate, channel: "load" });
        await sleep(300);
        const startedAt = Date.now();
        const loaded = await run();
        const seconds = (Date.now() - startedAt + 300) / 1000;
        const offered = await load.call<{ acked: number }>("paceStop");
        results[kind] = { light, loaded, loadAcked: Math.round(offered.acked / seconds) };
      } finally {
        await server.stop();
      }
    }
  } finally {
    await Promise.all([probe.stop(), load.stop()]);
  }
  const figures: Figure[] = [];
  const section = "End-to-end latency (post to subscriber)";
  const { bare, chat } = results as Required<typeof results>;
  for (const phase of ["light", "loaded"] as const) {
    const label = phase === "light" ? "idle server" : `under ${o.loadRate.toLocaleString("en-US")} posts/s`;
    const lost = chat![phase].lost + bare![phase].lost;
    const note = lost ? `${chat![phase].lost} / ${bare![phase].lost} not heard within 1 s` : undefined;
    figures.push(
      figure({ section, name: `p50, ${label}`, unit: "us", chat: chat![phase].p50, bare: bare![phase].p50, ...(note ? { note } : {}) }, { atMost: 1.3 }),
      figure({ section, name: `p99, ${label}`, unit: "us", chat: chat![phase].p99, bare: bare![phase].p99 }, { atMost: 2 }),
      figure({ section, name: `p99.9, ${label}`, unit: "us", chat: chat![phase].p999, bare: bare![phase].p999 }),
    );
  }
  return { figures, details: results };
}
