/**
 * History: the round trip of "the last 50 messages of a channel" (a REQ
 * client, one request at a time) from a server holding 1,000,000 messages
 * in 10 channels, in memory and in SQLite. Baseline: a bare REP server
 * answering every request with a canned reply of the same size.
 */
import { join } from "node:path";
import { openSqliteLog } from "../shared/server/log/sqlite.js";
import type { MessageEntry } from "../shared/server/log/event-log.js";
import { startServer, startWorker, type Server, type Worker } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles, type Percentiles } from "./lib/stats.js";
import { BODY } from "./clients/post-frames.js";

const REQUEST = ["history", JSON.stringify({ channel: "c3", limit: 50 })];
const COUNT = 1000;
const WARMUP = 100;

interface Timed {
  samples: number[];
  replyBytes: number;
  reply: string[];
}

/** Times history requests against `server` and against a canned bare reply of the same size. */
export async function timeHistory(server: Server, worker: Worker): Promise<{ chat: Percentiles; bare: Percentiles; bytes: number }> {
  const chat = await worker.call<Timed>("time", { endpoint: server.post, frames: REQUEST, count: COUNT, warmup: WARMUP });
  const answer = JSON.parse(chat.reply[1] ?? "{}") as { messages?: unknown[] };
  if (chat.reply[0] !== "ok" || answer.messages?.length !== 50) throw new Error(`history: unexpected answer ${chat.reply.join(" ").slice(0, 200)}`);
  const canned = await startServer("bench/servers/bare.js", ["canned", String(Buffer.byteLength(chat.reply[1]!))]);
  try {
    const bare = await worker.call<Timed>("time", { endpoint: canned.post, frames: REQUEST, count: COUNT, warmup: WARMUP });
    return { chat: percentiles(chat.samples), bare: percentiles(bare.samples), bytes: chat.replyBytes };
  } finally {
    await canned.stop();
  }
}

/** Writes `count` messages in 10 channels into a new SQLite store file, through the log itself, 10,000 a batch. */
export async function buildSqliteStore(path: string, count: number): Promise<void> {
  const log = openSqliteLog(path);
  const time = new Date().toISOString();
  const received = Date.now();
  try {
    let batch: MessageEntry[] = [];
    for (let i = 1; i <= count; i++) {
      batch.push({ type: "message", id: `prebuilt-${i}`, channel: `c${i % 10}`, user: "bench", time, kind: "say", body: BODY, received });
      if (i % 10_000 === 0 || i === count) {
        await log.appendBatch(batch);
        batch = [];
      }
    }
  } finally {
    await log.close();
  }
}

/** The history figures: in memory from a server the memory benchmark filled, and from a prebuilt SQLite file. */
export async function history(inMemory: { chat: Percentiles; bare: Percentiles } | undefined, tmpDir: string, messages: number) {
  const path = join(tmpDir, "history.db");
  const builtAt = Date.now();
  await buildSqliteStore(path, messages);
  const buildSeconds = (Date.now() - builtAt) / 1000;
  const worker = startWorker();
  let sqlite;
  try {
    const server = await startServer("part4/mc_server.js", ["--rate", "0", "--store", path]);
    try {
      sqlite = await timeHistory(server, worker);
    } finally {
      await server.stop();
    }
  } finally {
    await worker.stop();
  }
  const section = `History (last 50 of a channel, ${messages.toLocaleString("en-US")} messages stored)`;
  const figures: Figure[] = [];
  for (const [where, t] of [["in memory", inMemory], ["SQLite", sqlite]] as const) {
    if (!t) continue;
    figures.push(
      figure({ section, name: `median, ${where}`, unit: "us", chat: t.chat.p50, bare: t.bare.p50 }, { atMost: 1000, on: "chat" }),
      figure({ section, name: `p99, ${where}`, unit: "us", chat: t.chat.p99, bare: t.bare.p99 }),
    );
  }
  return { figures, details: { inMemory, sqlite, sqliteBuildSeconds: buildSeconds } };
}
