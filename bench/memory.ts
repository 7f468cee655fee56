/**
 * Memory, read from /proc/<pid>/status (VmRSS) of the server process:
 *
 * - per stored message: the server is filled with 100-byte posts over 4
 *   pipelined DEALERs (10 channels); RSS growth from 50,000 messages (the
 *   warm-up) to 100,000 and to 1,000,000, divided by the messages added.
 *   Both servers run with V8's young generation fixed at its default
 *   maximum (16 MB semi-spaces): left to itself it grows to that in steps
 *   of 8-16 MB at moments that depend on timing (seen with --trace-gc),
 *   which put anything from 214 to 614 bytes on a message at 100,000 in
 *   otherwise identical runs. Baseline: a bare REP server keeping each post as a
 *   plain object of strings, the straightforward structure.
 * - per idle subscriber: RSS growth once 1,000 SUB sockets (two processes
 *   of 500) are connected, each following one channel and the events.
 *   Baseline: a bare PUB socket with the same subscribers.
 */
import { acceptedConnections, rssBytes } from "./lib/proc-stats.js";
import { startServer, startWorker, type Server } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { sleep } from "./lib/stats.js";
import type { PipelinedResult } from "./clients/pipelined.js";

const WARM = 50_000;
/* What a busy server reaches anyway; fixed here so that its growth is not charged to messages. */
const FIXED_YOUNG_GENERATION = ["--min-semi-space-size=16", "--max-semi-space-size=16"];
/* Idle time before reading RSS, so that the last posts' garbage can be collected. */
const SETTLE_MS = 1000;

export interface StoredOptions {
  counts: number[];
  /** Called with the chat server once it holds the most messages, before it stops. */
  whenFull?: (server: Server) => Promise<void>;
}

export async function storedMessages(o: StoredOptions): Promise<{ figures: Figure[]; details: object }> {
  const worker = startWorker();
  const perMessage: Record<string, Record<number, number>> = {};
  const fillRates: Record<string, number[]> = {};
  try {
    for (const kind of ["bare", "chat"] as const) {
      const server = kind === "bare"
        ? await startServer("bench/servers/bare.js", ["keep"], FIXED_YOUNG_GENERATION)
        : await startServer("part4/mc_server.js", ["--rate", "0"], FIXED_YOUNG_GENERATION);
      try {
        let stored = 0;
        const fillTo = async (n: number) => {
          const r = await worker.call<PipelinedResult>("pipelined", { endpoint: server.post, count: n - stored, sockets: 4, window: 64, channels: 10 }, 240_000);
          if (r.acked !== n - stored) throw new Error(`memory: ${kind} server acknowledged ${r.acked} of ${n - stored} posts (${r.errors} refused)`);
          (fillRates[kind] ??= []).push(Math.round(r.acked / ((r.endMs - r.startMs) / 1000)));
          stored = n;
          await sleep(SETTLE_MS);
          return rssBytes(server.pid);
        };
        const base = await fillTo(WARM);
        perMessage[kind] = {};
        for (const n of o.counts) perMessage[kind]![n] = ((await fillTo(n)) - base) / (n - WARM);
        if (kind === "chat") await o.whenFull?.(server);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await worker.stop();
  }
  const section = "Memory (server RSS)";
  const figures = o.counts.map((n) =>
    figure(
      { section, name: `per stored 100-byte message, at ${n.toLocaleString("en-US")}`, unit: "B", chat: perMessage.chat![n]!, bare: perMessage.bare![n]! },
      { atMost: 300, on: "chat" },
    ));
  return { figures, details: { bytesPerMessage: perMessage, fillPostsPerSecond: fillRates } };
}

export async function idleSubscribers(count: number): Promise<{ figures: Figure[]; details: object }> {
  const per: Record<string, number> = {};
  const workers = [startWorker(), startWorker()];
  try {
    for (const kind of ["bare", "chat"] as const) {
      const server = kind === "bare"
        ? await startServer("bench/servers/bare.js", ["echo"])
        : await startServer("part4/mc_server.js", ["--rate", "0"]);
      try {
        await sleep(SETTLE_MS);
        const base = rssBytes(server.pid);
        const port = Number(new URL(server.pub!).port);
        /* Connecting through their own processes, half each: a zeromq.js context holds at most 1,023 sockets. */
        await Promise.all(workers.map((w, i) => w.call("idleOpen", { pub: server.pub, count: count / 2 + (i === 0 ? count % 2 : 0), channel: "c1" })));
        for (let waited = 0; acceptedConnections(server.pid, port) < count; waited += 100) {
          if (waited > 30_000) throw new Error(`memory: only ${acceptedConnections(server.pid, port)} of ${count} subscribers connected`);
          await sleep(100);
        }
        await sleep(SETTLE_MS);
        per[kind] = (rssBytes(server.pid) - base) / count;
        await Promise.all(workers.map((w) => w.call("idleClose")));
      } finally {
        await server.stop();
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  return {
    figures: [figure({ section: "Memory (server RSS)", name: `per connected idle subscriber, ${count.toLocaleString("en-US")} connected`, unit: "B", chat: per.chat!, bare: per.bare! })],
    details: per,
  };
}
