/**
 * A feed whose requester is closed (the client is quitting) and then sees a
 * gap must not retry the fill for ever: it once did, in a loop of promise
 * callbacks that starved the event loop, so the client spun a core and
 * never exited. Real server (in-process) and real sockets.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Request } from "zeromq";
import { encodePost } from "../../protocol/index.js";
import { ClosedError } from "../../errors.js";
import { ReliableRequester } from "../../transport/requester.js";
import { PARTS } from "../../parts.js";
import { startChatServer } from "../../server/chat-server.js";
import { MemoryLog } from "../../server/log/memory.js";
import type { CommittedBatch, EventLog } from "../../server/log/event-log.js";
import { PATIENCE_MS } from "../../testing/processes.js";
import { Queries } from "../queries.js";
import { Feed } from "./feed.js";

/** A memory log whose committed tail leaves out the entry `id`: it is recorded, never published, as if ZeroMQ had dropped it. */
function logDropping(id: string): EventLog {
  const inner = new MemoryLog();
  const without = (b: CommittedBatch): CommittedBatch => {
    const keep = b.entries.flatMap((e, i) => (e.id === id ? [] : [i]));
    return { entries: keep.map((i) => b.entries[i]!), numbers: keep.map((i) => b.numbers[i]!) };
  };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === "onCommitted") return (listener: (b: CommittedBatch) => void) => target.onCommitted((b) => listener(without(b)));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

test("a gap seen after the requester is closed neither spins nor stops the feed", async (t) => {
  // Heartbeats far apart: the gap below is found from the live message alone.
  const server = await startChatServer({
    post: "tcp://127.0.0.1:0", pub: "tcp://127.0.0.1:0", features: PARTS[4], heartbeatMs: 60_000, print: () => {}, log: logDropping("m1"),
  });
  t.after(() => server.close());
  const queries = new ReliableRequester({ endpoint: server.postEndpoint });
  const shown: string[] = [];
  const feed = new Feed({ pub: server.pubEndpoint!, queries: new Queries(queries), history: 0, onMessage: (m) => shown.push(m.body), onNotice: () => {} });
  t.after(() => feed.close());
  await feed.follow("dev");
  queries.close();

  // Message 1 is recorded but never published, so message 2 arrives after a gap the feed cannot fill.
  const message = (id: string, body: string) => ({ id, channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say" as const, body });
  const req = new Request({ linger: 0, receiveTimeout: PATIENCE_MS });
  t.after(() => req.close());
  req.connect(server.postEndpoint);
  await req.send(encodePost(message("m1", "unseen")));
  assert.deepEqual((await req.receive()).map(String), ["ok", "1", "1"]);
  await req.send(encodePost(message("m2", "after the gap")));
  assert.deepEqual((await req.receive()).map(String), ["ok", "2", "2"]);

  // The next subscription's sync event comes after message 2 on the same socket:
  // the feed handling it proves the event loop is still turning.
  await assert.rejects(feed.follow("ops"), ClosedError);
  assert.deepEqual(shown, []);
  feed.close();
  await feed.closed();
});
