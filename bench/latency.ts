/**
 * End-to-end latency: from just before a post is sent to its arrival at a
 * subscriber in the same process, one post at a time (1 ms apart), on an
 * idle server and while another process posts at a steady rate (half of
 * mc_server's measured throughput). Baseline: a bare REP server that
 * publishes each request on a PUB socket and acks it, the same hops; and
 * the same in pyzmq (bench/servers/pyzmq_relay.py) when Python has it.
 * Every server is warmed up first, unmeasured, with the same traffic.
 */
import { PYZMQ, startServer, startWorker, type Server } from "./lib/children.js";
import { pythonWithZmq } from "./lib/python.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles, sleep, type Percentiles } from "./lib/stats.js";

export interface LatencyOptions {
  /** Posts a second of background load in the loaded case. */
  loadRate: number;
  /** Samples per server and load, split over `rounds`. */
  samples: number;
  /* Both servers run at once and are probed in turn, round after round, so that drift in the machine's load hits both alike. */
  rounds: number;
  intervalMs: number;
}

interface Probe {
  samples: number[];
  lost: number;
}

type Phase = "light" | "loaded";

/* Each of the two warm-ups per server: its load (at the loaded phase's rate) and its idle probes. */
const WARMUP_MS = 500;
const WARMUP_PROBES = 200;

export async function latency(o: LatencyOptions): Promise<{ figures: Figure[]; details: object }> {
  const probe = startWorker();
  const load = startWorker();
  const servers: Record<string, Server> = {};
  const pooled: Record<string, Record<Phase, Probe>> = {};
  const loadRates: Record<string, number[]> = {};
  try {
    servers.bare = await startServer("bench/servers/bare.js", ["relay"]);
    servers.chat = await startServer("part4/mc_server.js", ["--rate", "0"]);
    if (pythonWithZmq()) servers.pyzmq = await startServer(PYZMQ);
    /*
     * Not measured: each server takes the loaded phase's traffic for a while,
     * then idle probes, twice, so that the first round measures what the
     * others do (they follow loaded phases). On a fresh mc_server the first
     * idle round ran its post path unoptimised (V8 optimised it after
     * 1,000-1,700 posts, --trace-opt): 120 µs of main-thread CPU a post
     * against 84 once warm, and V8's compiler threads another 42 µs a post
     * beside it (4 once warm). After one warm-up the switch from the load
     * (a DEALER's bursts) to single probes still deoptimised parts of it
     * (--trace-deopt: zeromq.js's receive iterator, "wrong map", and others,
     * "insufficient type feedback"), reoptimised a few hundred probes later.
     * mc_server's first-round idle p99, median of the runs: 2.5 ms without a
     * warm-up (23 runs), 1.35 ms after one (15), 0.62 ms after two (19); the
     * other rounds' 0.48-0.57 ms (load average 0.2-4 from other work).
     */
    for (const server of [...Object.values(servers), ...Object.values(servers)]) {
      await load.call("paceStart", { endpoint: server.post, rate: o.loadRate, channel: "load" });
      await sleep(WARMUP_MS);
      await load.call("paceStop");
      await probe.call<Probe>("probe", { post: server.post, pub: server.pub, count: WARMUP_PROBES, intervalMs: o.intervalMs, channel: "lat" }, 120_000);
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const phase of ["light", "loaded"] as const) {
        for (const [kind, server] of Object.entries(servers)) {
          if (phase === "loaded") {
            await load.call("paceStart", { endpoint: server.post, rate: o.loadRate, channel: "load" });
            await sleep(200);
          }
          const startedAt = Date.now();
          const count = Math.ceil(o.samples / o.rounds);
          const p = await probe.call<Probe>("probe", { post: server.post, pub: server.pub, count, intervalMs: o.intervalMs, channel: "lat" }, 120_000);
          if (phase === "loaded") {
            const offered = await load.call<{ acked: number }>("paceStop");
            (loadRates[kind] ??= []).push(Math.round(offered.acked / ((Date.now() - startedAt + 200) / 1000)));
          }
          const into = ((pooled[kind] ??= {} as Record<Phase, Probe>)[phase] ??= { samples: [], lost: 0 });
          into.samples.push(...p.samples);
          into.lost += p.lost;
        }
      }
    }
  } finally {
    await Promise.all([probe.stop(), load.stop(), ...Object.values(servers).map((s) => s.stop())]);
  }
  const results: Record<string, Record<Phase, Percentiles & { lost: number }>> = {};
  for (const [kind, phases] of Object.entries(pooled)) {
    results[kind] = {
      light: { ...percentiles(phases.light.samples), lost: phases.light.lost },
      loaded: { ...percentiles(phases.loaded.samples), lost: phases.loaded.lost },
    };
  }
  const figures: Figure[] = [];
  const section = "End-to-end latency (post to subscriber)";
  const { bare, chat, pyzmq } = results as Required<typeof results>;
  for (const phase of ["light", "loaded"] as const) {
    const label = phase === "light" ? "idle server" : `under ${o.loadRate.toLocaleString("en-US")} posts/s`;
    const lost = chat![phase].lost + bare![phase].lost;
    const note = lost ? `${chat![phase].lost} / ${bare![phase].lost} not heard within 1 s` : undefined;
    /* The pyzmq relay's figure (issue 16's yardstick), when it ran. */
    const py = (f: (p: Percentiles) => number) => (pyzmq ? { python: f(pyzmq[phase]) } : {});
    figures.push(
      figure({ section, name: `p50, ${label}`, unit: "us", chat: chat![phase].p50, bare: bare![phase].p50, ...py((p) => p.p50), ...(note ? { note } : {}) }, { atMost: 1.3 }),
      figure({ section, name: `p99, ${label}`, unit: "us", chat: chat![phase].p99, bare: bare![phase].p99, ...py((p) => p.p99) }, { atMost: 2 }),
      figure({ section, name: `p99.9, ${label}`, unit: "us", chat: chat![phase].p999, bare: bare![phase].p999, ...py((p) => p.p999) }),
      figure({ section, name: `largest, ${label}`, unit: "us", chat: chat![phase].max, bare: bare![phase].max, ...py((p) => p.max) }),
    );
  }
  return { figures, details: { ...results, loadAchieved: loadRates } };
}
