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
import { PATIENCE_MS } from "../../testing/processes.js";
import { Queries } from "../queries.js";
import { Feed } from "./feed.js";

test("a gap seen after the requester is closed neither spins nor stops the feed", async (t) => {
  // Heartbeats far apart: the gap below is found from the live message alone.
  const server = await startChatServer({ post: "tcp://127.0.0.1:0", pub: "tcp://127.0.0.1:0", features: PARTS[4], heartbeatMs: 60_000, print: () => {} });
  t.after(() => server.close());
  const queries = new ReliableRequester({ endpoint: server.postEndpoint });
  const shown: string[] = [];
  const feed = new Feed({ pub: server.pubEndpoint!, queries: new Queries(queries), history: 0, onMessage: (m) => shown.push(m.body), onNotice: () => {} });
  t.after(() => feed.close());
  await feed.follow("dev");
  queries.close();

  // Message 1 is recorded but never published, so message 2 arrives after a gap the feed cannot fill.
  const message = (id: string, body: string) => ({ id, channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say" as const, body });
  server.store.append({ ...message("m1", "unseen"), body: Buffer.from("unseen") });
  const req = new Request({ linger: 0, receiveTimeout: PATIENCE_MS });
  t.after(() => req.close());
  req.connect(server.postEndpoint);
  await req.send(encodePost(message("m2", "after the gap")));
  assert.deepEqual((await req.receive()).map(String), ["ok", "2", "2"]);

  // The next subscription's sync event comes after message 2 on the same socket:
  // the feed handling it proves the event loop is still turning.
  await assert.rejects(feed.follow("ops"), ClosedError);
  assert.deepEqual(shown, []);
  feed.close();
  await feed.closed();
});
