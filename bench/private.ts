/**
 * Private messages (issue 12), next to channel posts on the same server in
 * the same run:
 *
 * - round trip: from just before a `msg` request is sent to the arrival of
 *   the recipient's held inbox answer holding it, one at a time; baseline:
 *   a channel post's way to a subscriber (bench/clients/probe.ts), the same
 *   two hops through the server.
 * - throughput: 8 senders in closed loop, each to its own recipient whose
 *   client reads its inbox as mc_client does (every account's inbox read,
 *   the senders' own copies too); baseline: 8 closed-loop channel posters.
 *   A private message is written to two inboxes (recipient and sender), a
 *   post to one log.
 * - memory per queued offline message: RSS growth while 4 recipients that
 *   never read get 36,000 messages (the most 4 inboxes hold is 40,000);
 *   baseline: the same number of channel posts on a second server. Both
 *   servers with V8's young generation fixed, as in bench/memory.ts.
 */
import { startServer, startWorker, type Server } from "./lib/children.js";
import { rssBytes } from "./lib/proc-stats.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles, sleep } from "./lib/stats.js";
import { account, type BenchAccount } from "./clients/private.js";
import type { PipelinedResult } from "./clients/pipelined.js";

export interface PrivateOptions {
  samples: number;
  intervalMs: number;
  pairs: number;
  measureMs: number;
  queued: number;
}

const PASSWORD = "bench password 1234";
const FIXED_YOUNG_GENERATION = ["--min-semi-space-size=16", "--max-semi-space-size=16"];
const SETTLE_MS = 1000;

async function accounts(server: Server, names: string[]): Promise<BenchAccount[]> {
  const out: BenchAccount[] = [];
  for (const n of names) out.push(await account(server.post, n, PASSWORD)); // one at a time: the hash queue is the server's
  return out;
}

export async function privateMessages(o: PrivateOptions): Promise<{ figures: Figure[]; details: object }> {
  const section = "Private messages (issue 12), next to channel posts in the same run";
  const probe = startWorker();
  const load = startWorker();
  const details: Record<string, unknown> = {};
  const figures: Figure[] = [];
  let server = await startServer("part4/mc_server.js", ["--rate", "0"]);
  try {
    const senders = await accounts(server, Array.from({ length: o.pairs }, (_, i) => `s${i}`));
    const recipients = await accounts(server, Array.from({ length: o.pairs }, (_, i) => `r${i}`));

    const post = await probe.call<{ samples: number[]; lost: number }>("probe", { post: server.post, pub: server.pub, count: o.samples, intervalMs: o.intervalMs, channel: "rtt" }, 120_000);
    const priv = await probe.call<{ samples: number[]; lost: number }>("privateProbe", { endpoint: server.post, from: senders[0], to: recipients[0], count: o.samples, intervalMs: o.intervalMs }, 120_000);
    const p = percentiles(priv.samples);
    const c = percentiles(post.samples);
    const lost = priv.lost || post.lost ? `${priv.lost} / ${post.lost} not there within 1 s` : undefined;
    figures.push(
      figure({ section, name: "round trip p50: msg to the recipient's inbox answer vs post to subscriber", unit: "us", chat: p.p50, bare: c.p50, ...(lost ? { note: lost } : {}) }),
      figure({ section, name: "round trip p99", unit: "us", chat: p.p99, bare: c.p99 }),
    );
    details.roundTrip = { private: p, post: c, lost: { private: priv.lost, post: post.lost } };

    type Mark = { count: number; errors: number; atMs: number };
    const rate = async (start: () => Promise<unknown>, mark: string, stop: string) => {
      await start();
      try {
        await sleep(500);
        const m0 = await load.call<Mark>(mark);
        await sleep(o.measureMs);
        const m1 = await load.call<Mark>(mark);
        return { rate: (m1.count - m0.count) / ((m1.atMs - m0.atMs) / 1000), errors: m1.errors };
      } finally {
        await load.call(stop);
      }
    };
    const pairs = senders.map((s, i) => [s, recipients[i]!]);
    const privRate = await rate(() => load.call("privateLoopStart", { endpoint: server.post, pairs }), "privateLoopMark", "privateLoopStop");
    const postRate = await rate(() => load.call("loopStart", { endpoint: server.post, clients: o.pairs, channel: "bench" }), "loopMark", "loopStop");
    figures.push(figure({
      section, name: `throughput, ${o.pairs} senders in closed loop: delivered vs channel posts`, unit: "msgs/s", chat: privRate.rate, bare: postRate.rate,
      ...(privRate.errors + postRate.errors ? { note: `${privRate.errors} / ${postRate.errors} errors` } : {}),
    }));
    details.throughput = { private: privRate, post: postRate };
  } finally {
    await server.stop();
  }

  /* Memory: a fresh server for each, young generation fixed. */
  const perMessage: Record<string, number> = {};
  for (const kind of ["private", "post"] as const) {
    server = await startServer("part4/mc_server.js", ["--rate", "0"], FIXED_YOUNG_GENERATION);
    try {
      const [from, ...offline] = await accounts(server, ["q", "o1", "o2", "o3", "o4"]);
      await sleep(SETTLE_MS);
      const base = rssBytes(server.pid);
      if (kind === "private") {
        const r = await load.call<{ sent: number; errors: number }>("queuePrivate", { endpoint: server.post, from, to: offline.map((a) => a.user), count: o.queued, window: 16 }, 240_000);
        if (r.sent !== o.queued) throw new Error(`private: ${r.sent} of ${o.queued} queued (${r.errors} refused)`);
      } else {
        const r = await load.call<PipelinedResult>("pipelined", { endpoint: server.post, count: o.queued, sockets: 4, window: 16, channels: 4 }, 240_000);
        if (r.acked !== o.queued) throw new Error(`private: ${r.acked} of ${o.queued} posts acknowledged`);
      }
      await sleep(SETTLE_MS);
      perMessage[kind] = (rssBytes(server.pid) - base) / o.queued;
    } finally {
      await server.stop();
    }
  }
  await Promise.all([probe.stop(), load.stop()]);
  figures.push(figure({
    section, name: `server memory per queued offline message (${o.queued.toLocaleString("en-US")}, 100 bytes) vs per stored channel post`, unit: "B",
    chat: perMessage.private!, bare: perMessage.post!,
  }));
  details.memory = perMessage;
  return { figures, details };
}
