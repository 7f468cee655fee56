/**
 * Fan-out: one poster (a pipelined DEALER) and 1 or 10 subscribers, each
 * in its own process, all following one channel. Every subscriber counts
 * its messages and checks their numbers follow each other: zero loss is
 * part of the figure. Baseline: the same poster and subscribers through a
 * bare REP-to-PUB relay, with the same message sizes and high-water marks
 * (100,000 on the PUB and on each SUB, so a run of 50,000 can never drop).
 * Each configuration runs `rounds` times, bare and chat alternating (ABBA,
 * so drift in the machine's load hits both alike); the best round of each
 * counts, as in the throughput figure, and every round must lose nothing.
 * With one subscriber, a third server joins the rounds: the same bare relay
 * taking posts on a ROUTER, as mc_server does. Its row (no target) shows
 * how much of the gap is the socket type alone.
 */
import { PYZMQ, startServer, startWorker, type Server, type Worker } from "./lib/children.js";
import { cpuSeconds } from "./lib/proc-stats.js";
import { figure, type Figure } from "./lib/report.js";
import { pairedRatio, sleep } from "./lib/stats.js";
import { pythonWithZmq } from "./lib/python.js";
import type { Delivery } from "./clients/subscribers.js";
import type { PipelinedResult } from "./clients/pipelined.js";

export interface FanoutOptions {
  subscribers: number[];
  messages: number;
  highWaterMark: number;
  /** Measurements of each configuration, interleaved; the best counts (default 1). */
  rounds?: number;
  /** Posting sockets, and posts in flight on each (default one socket, 100 in flight). */
  sockets?: number;
  window?: number;
}

export interface Run {
  /** Mean over subscribers of messages / (last arrival - first post). */
  perSubscriber: number;
  /** All messages delivered / (last arrival anywhere - first post). */
  total: number;
  lost: number;
  gaps: number;
  posted: number;
  /** CPU per message posted, from /proc: the server, the poster, all subscribers together. */
  cpuUsPerMessage: { server: number; poster: number; subscribers: number };
}

type Kind = "bare" | "chat" | "router" | "pyzmq";

export async function fanout(o: FanoutOptions): Promise<{ figures: Figure[]; details: object }> {
  const poster = startWorker();
  const subs = Array.from({ length: Math.max(...o.subscribers) }, () => startWorker());
  const runs: Record<string, Run[]> = {};
  try {
    for (const count of o.subscribers) {
      for (let round = 0; round < (o.rounds ?? 1); round++) {
        const kinds: Kind[] = [...(count === 1 ? ["bare", "chat", "router"] as const : ["bare", "chat"] as const), ...(pythonWithZmq() ? ["pyzmq"] as const : [])];
        for (const kind of round % 2 === 0 ? kinds : kinds.reverse()) {
          const server = kind === "chat"
            ? await startServer("part4/mc_server.js", ["--rate", "0"])
            : kind === "pyzmq" ? await startServer(PYZMQ)
            : await startServer("bench/servers/bare.js", [kind === "bare" ? "relay" : "router-relay"]);
          try {
            (runs[`${kind}-${count}`] ??= []).push(await once(server, poster, subs.slice(0, count), o));
          } finally {
            await server.stop();
          }
        }
      }
    }
  } finally {
    await Promise.all([poster, ...subs].map((w) => w.stop()));
  }
  const figures: Figure[] = [];
  const section = `Fan-out (one poster, ${o.messages.toLocaleString("en-US")} messages, subscribers in their own processes)`;
  for (const count of o.subscribers) {
    const best = (kind: string) => runs[`${kind}-${count}`]!.reduce((a, b) => (b.total > a.total ? b : a));
    const missing = (kind: string) => runs[`${kind}-${count}`]!.reduce((a, r) => a + r.lost + r.gaps, 0);
    const bare = best("bare");
    const chat = best("chat");
    /* The pyzmq relay's figure (issue 16's yardstick), when it ran. */
    /* Its best round, and the ratio as the median of each round's own (pairedRatio). */
    const py = (f: (r: Run) => number) => {
      const python = runs[`pyzmq-${count}`];
      return python ? { python: f(best("pyzmq")), pythonRatio: pairedRatio(runs[`chat-${count}`]!.map(f), python.map(f)) } : {};
    };
    const who = `${count} subscriber${count > 1 ? "s" : ""}`;
    const note = (o.rounds ?? 1) > 1 ? `best of ${o.rounds}` : undefined;
    figures.push(
      figure({ section, name: `${who}: delivered per subscriber`, unit: "msgs/s", chat: chat.perSubscriber, bare: bare.perSubscriber, ...py((r) => r.perSubscriber), note }),
      figure({ section, name: `${who}: delivered in total`, unit: "msgs/s", chat: chat.total, bare: bare.total, ...py((r) => r.total), note }, { atLeast: 0.8 }),
      figure({ section, name: `${who}: lost or out of order`, unit: "count", chat: missing("chat"), bare: missing("bare"),
        ...(runs[`pyzmq-${count}`] ? { python: missing("pyzmq") } : {}), note: (o.rounds ?? 1) > 1 ? `all ${o.rounds} rounds` : undefined }, { atMost: 0, on: "chat" }),
    );
    if (runs[`router-${count}`]) {
      const router = best("router");
      figures.push(figure({ section, name: `${who}: a bare ROUTER relay in mc_server's column, delivered in total`, unit: "msgs/s", chat: router.total, bare: bare.total, note }));
    }
  }
  return { figures, details: runs };
}

/**
 * Posts to the warm channel through `post` until `subscribed` resolves (every
 * subscriber has heard a warm post): all subscriptions are then active.
 */
export async function warmUntil(poster: Worker, post: string, subscribed: Promise<unknown>): Promise<void> {
  let ready = false;
  void subscribed.then(() => (ready = true), () => {});
  for (let i = 0; !ready; i++) {
    if (i > 1000) throw new Error("the subscribers never heard the warm-up posts");
    await poster.call("warm", { endpoint: post });
    await sleep(20);
  }
  await subscribed;
}

/** One measured delivery of `o.messages` posts from `poster` through `server` to every worker in `subs`. */
export async function once(server: Server, poster: Worker, subs: Worker[], o: Omit<FanoutOptions, "subscribers">): Promise<Run> {
  await warmUntil(poster, server.post, Promise.all(subs.map((w) => w.call("subscribe", { pub: server.pub, channel: "bench", hwm: o.highWaterMark }, 30_000))));
  const cpu = () => [server.pid, poster.pid, ...subs.map((w) => w.pid)].map(cpuSeconds);
  const cpu0 = cpu();
  const collecting = subs.map((w) => w.call<Delivery>("collect", { expect: o.messages, idleMs: 3000 }, 180_000));
  const posted = await poster.call<PipelinedResult>("pipelined", {
    endpoint: server.post, count: o.messages, sockets: o.sockets ?? 1, window: o.window ?? 100, channel: "bench",
  }, 180_000);
  const got = await Promise.all(collecting);
  const used = cpu().map((c, i) => ((c - cpu0[i]!) * 1e6) / o.messages);
  const rate = (n: number, untilMs: number) => n / ((untilMs - posted.startMs) / 1000);
  return {
    perSubscriber: got.reduce((a, d) => a + rate(d.received, d.lastAtMs), 0) / got.length,
    total: rate(got.reduce((a, d) => a + d.received, 0), Math.max(...got.map((d) => d.lastAtMs))),
    lost: got.reduce((a, d) => a + (o.messages - d.received), 0),
    gaps: got.reduce((a, d) => a + d.gaps, 0),
    posted: posted.acked,
    cpuUsPerMessage: { server: used[0]!, poster: used[1]!, subscribers: used.slice(2).reduce((a, b) => a + b, 0) },
  };
}
