/**
 * The pipeline driven without sockets, the way nats.js tests its dispatcher:
 * frames in as a ROUTER hands them over, replies out through a send queue
 * that records them. Engines are real (memory), some wrapped to commit
 * late or to fail, as a network engine or a full disk would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeCompactPost, encodeControl, encodePost, type ControlRequest } from "../protocol/index.js";
import { PARTS } from "../parts.js";
import { SendQueue } from "../transport/send-queue.js";
import type { LogEntry, Numbers } from "./log/event-log.js";
import { MemoryLog } from "./log/memory.js";
import { Pipeline } from "./pipeline.js";
import { PresenceTable } from "./presence-table.js";
import { RateLimiter } from "./rate-limiter.js";
import { Accounts } from "./accounts/accounts.js";
import { MemoryAccountStore } from "./accounts/memory-store.js";
import { Hasher } from "./accounts/passwords.js";
import { conversations } from "./conversations/index.js";
import { MemoryConversationStore } from "./conversations/memory-store.js";
import { Alerts } from "./alerts/alerts.js";

const TIME = "2026-01-31T22:00:00.000Z";

/** A memory log whose commits take a few milliseconds, as over a network, and fail for a batch holding post id "lost". */
class SlowLog extends MemoryLog {
  override readonly groupCommit = true;
  override async appendBatch(entries: readonly LogEntry[]): Promise<Numbers[]> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (entries.some((e) => e.id === "lost")) throw new Error("injected failure");
    return super.appendBatch(entries);
  }
}

function setup(log: MemoryLog = new MemoryLog(), rate = 0, burst = 1, accounts = new Accounts({ store: new MemoryAccountStore(), hasher: new Hasher() }), limiter = new RateLimiter(rate, burst)) {
  const sent: string[][] = [];
  const errors: string[] = [];
  const socket = { closed: false, send: async (m: (Buffer | string)[]) => void sent.push(m.map(String)) };
  const pipeline = new Pipeline({
    log, features: PARTS[4], presence: new PresenceTable(30_000), limiter,
    accounts, conversations: conversations(new MemoryConversationStore(), accounts.store), alerts: new Alerts(), authLimiter: new RateLimiter(0, 1),
    heartbeatMs: 1000, presenceMs: 30_000, replies: new SendQueue(socket), announce: () => {}, onError: (s) => errors.push(s),
  });
  const published: string[] = [];
  log.onCommitted(({ entries, numbers }) => entries.forEach((e, i) => published.push(`${e.id}=${numbers[i]!.gseq}`)));
  const frames = (client: string, request: string[]) => [client, "", ...request].map((f) => Buffer.from(f));
  return {
    sent, errors, published,
    post: (client: string, id: string, channel = "dev") =>
      pipeline.handle(frames(client, encodePost({ id, channel, user: "amy", time: TIME, kind: "say", body: id }))),
    /** A compact post, naming the post before it when that one is unanswered, as a client with a window sends it. */
    pipelined: (client: string, id: string, after?: string) =>
      pipeline.handle(frames(client, encodeCompactPost({ id, channel: "dev", user: "amy", time: TIME, kind: "say", body: id }, undefined, after))),
    control: (client: string, request: ControlRequest) => pipeline.handle(frames(client, encodeControl(request))),
    /** Waits until every pending batch is committed and its replies handed to the socket. */
    settled: async () => {
      await pipeline.drain();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

for (const [engine, make] of [["memory", () => new MemoryLog()], ["a slow engine", () => new SlowLog()]] as const) {
  test(`${engine}: each client gets its replies in the order of its requests, acks after the commit included`, async () => {
    const p = setup(make(), 0.01, 2); // no token comes back while the test runs
    p.post("c1", "a");
    p.post("c1", "b");
    p.post("c1", "c"); // over the burst of 2
    p.post("c1", "a"); // a retry of a post still in the batch
    p.control("c1", { op: "channels" });
    await p.settled();
    assert.deepEqual(p.sent.map((r) => r.slice(2, 4)), [
      ["ok", "1"], ["ok", "2"], ["err", "slow-down"], ["ok", "1"], ["ok", JSON.stringify({ channels: [{ name: "dev", messages: 2, users: 0 }] })],
    ]);
    assert.deepEqual(p.published, ["a=1", "b=2"], "the retry is published once");
  });

  test(`${engine}: a request after a post is answered from a log that has it`, async () => {
    const p = setup(make());
    p.post("c1", "a");
    p.control("c2", { op: "history", query: { channel: "dev", limit: 5 } });
    await p.settled();
    assert.deepEqual(p.sent.map((r) => r[0]), ["c1", "c2"]);
    const answer = JSON.parse(p.sent[1]![3]!) as { head: number; messages: { body: string }[] };
    assert.deepEqual([answer.head, answer.messages.map((m) => m.body)], [1, ["a"]]);
  });
}

/** A rate limit the test opens and shuts, for one client: shut, each of its posts is told slow-down. */
class Gate extends RateLimiter {
  shut = new Set<string>();
  constructor() {
    super(1, 1);
  }
  override take(key: string): number {
    return this.shut.has(key) ? 50 : 0;
  }
}

test("posts sent behind one refused for now are refused out-of-order until it comes again, so each client's are recorded in the order sent", async () => {
  const gate = new Gate();
  const p = setup(new MemoryLog(), 1, 1, undefined, gate);
  p.pipelined("c1", "a");
  p.pipelined("c1", "b", "a");
  gate.shut.add("c1");
  p.pipelined("c1", "c", "b"); // over the rate
  gate.shut.delete("c1"); // the rate would take the next ones: the order does not
  p.pipelined("c1", "d", "c");
  p.pipelined("c1", "e", "d");
  p.pipelined("c2", "x"); // another client is not held up
  p.pipelined("c2", "y", "x");
  // c1 has all its answers back: it sends c again (b is answered: no `after`), then the rest behind it.
  p.pipelined("c1", "c");
  p.pipelined("c1", "d", "c");
  p.pipelined("c1", "e", "d");
  p.pipelined("c1", "b", "a"); // a late copy of a recorded post is answered with its numbers
  await p.settled();
  assert.deepEqual(p.sent.map((r) => [r[0], ...r.slice(2, 4)]), [
    ["c1", "ok", "1"], ["c1", "ok", "2"], ["c1", "err", "slow-down"], ["c1", "err", "out-of-order"], ["c1", "err", "out-of-order"],
    ["c2", "ok", "3"], ["c2", "ok", "4"],
    ["c1", "ok", "5"], ["c1", "ok", "6"], ["c1", "ok", "7"], ["c1", "ok", "2"],
  ]);
  assert.equal(p.sent[3]![4], "a message sent before this one was refused: send this one again after it");
  assert.deepEqual(p.published, ["a=1", "b=2", "x=3", "y=4", "c=5", "d=6", "e=7"]);
});

test("a failed commit answers each of its posts (and their retries) unavailable, and the next post takes the numbers back", async () => {
  const p = setup(new SlowLog());
  p.post("c1", "ok1");
  await p.settled();
  p.post("c1", "lost");
  p.post("c2", "same-batch");
  p.post("c2", "lost");
  await p.settled();
  p.post("c1", "ok2");
  await p.settled();
  assert.deepEqual(p.sent.map((r) => [r[0], ...r.slice(2, 5)]), [
    ["c1", "ok", "1", "1"],
    ["c1", "err", "unavailable", "the server could not store the message; try again"],
    ["c2", "err", "unavailable", "the server could not store the message; try again"],
    ["c2", "err", "unavailable", "the server could not store the message; try again"],
    ["c1", "ok", "2", "2"],
  ]);
  assert.deepEqual(p.published, ["ok1=1", "ok2=2"]);
  assert.deepEqual(p.errors, ["could not store 2 messages: injected failure"]);
});

test("a retry of a post being committed waits for that commit, in its client's order; a retry of a committed post is answered at once", async () => {
  const p = setup(new SlowLog());
  p.post("c1", "a");
  await new Promise((resolve) => setImmediate(resolve)); // "a" is being committed now
  p.post("c2", "b"); // in the next batch
  p.post("c2", "a");
  await p.settled();
  p.post("c3", "a");
  await p.settled();
  assert.deepEqual(p.sent.map((r) => [r[0], ...r.slice(2)]), [
    ["c1", "ok", "1", "1"], ["c2", "ok", "2", "2"], ["c2", "ok", "1", "1"], ["c3", "ok", "1", "1"],
  ]);
  assert.deepEqual(p.published, ["a=1", "b=2"]);
});

test("a login being hashed holds back only its own client's later requests: they follow its answer in order, other clients are served meanwhile", async () => {
  /* A hasher that answers only when the test says so stands for a slow scrypt. */
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  class HeldHasher extends Hasher {
    override async verify(password: string, stored: Parameters<Hasher["verify"]>[1]): Promise<boolean> {
      await gate;
      return password === "right password" && stored !== undefined;
    }
  }
  const p = setup(new MemoryLog(), 0, 1, new Accounts({ store: new MemoryAccountStore(), hasher: new HeldHasher() }));
  p.control("c1", { op: "login", user: "kyle", password: "wrong password" });
  p.post("c1", "after-login");
  p.control("c1", { op: "channels" });
  p.post("c2", "other");
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)); // settled() would wait for the login too
  assert.deepEqual(p.sent.map((r) => [r[0], r[2]]), [["c2", "ok"]], "c2 is answered while c1's login is pending; c1's post waits");
  release();
  await p.settled();
  assert.deepEqual(p.sent.map((r) => [r[0], ...r.slice(2, 4)]), [
    ["c2", "ok", "1"],
    ["c1", "err", "auth-failed"],
    ["c1", "ok", "2"],
    ["c1", "ok", JSON.stringify({ channels: [{ name: "dev", messages: 2, users: 0 }] })],
  ]);
  assert.deepEqual(p.published, ["other=1", "after-login=2"]);
});
