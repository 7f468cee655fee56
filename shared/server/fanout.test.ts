/**
 * The fan-out reads the log's committed tail: whatever commits an entry,
 * the pipeline or any other writer of the same log, it is published once,
 * numbered, and counted in the heartbeats' heads. Real server (in-process)
 * and a real SUB socket.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Subscriber } from "zeromq";
import { channelTopic, decodePublication, syncTopic, type Publication } from "../protocol/index.js";
import { PARTS } from "../parts.js";
import { PATIENCE_MS } from "../testing/processes.js";
import { message } from "../testing/log-contract.js";
import { startChatServer } from "./chat-server.js";

test("entries committed to the log by another writer are published on their channel, and heartbeats carry the heads", async (t) => {
  const server = await startChatServer({
    post: "tcp://127.0.0.1:0", pub: "tcp://127.0.0.1:0", features: PARTS[4], heartbeatMs: 50, print: () => {},
  });
  t.after(() => server.close());
  const sub = new Subscriber({ linger: 0, receiveTimeout: PATIENCE_MS });
  t.after(() => sub.close());
  sub.connect(server.pubEndpoint!);
  sub.subscribe(channelTopic("dev"));
  sub.subscribe("\0hb");
  sub.subscribe(syncTopic("t1"));
  const next = async (): Promise<Publication> => decodePublication(await sub.receive());
  for (let p = await next(); !(p.type === "heartbeat" && p.sync === "t1"); p = await next());

  await server.log.appendBatch([message("w1", "dev", "from elsewhere"), message("w2", "ops", "not followed"), message("w3", "dev", "again")]);
  const messages = [];
  let heartbeat;
  while (!heartbeat || messages.length < 2) {
    const p = await next();
    if (p.type === "message") messages.push(p.message);
    else if (p.type === "heartbeat" && messages.length === 2) heartbeat = p.heartbeat;
  }
  assert.deepEqual(messages.map((m) => [m.id, m.body, m.seq, m.gseq, m.epoch]), [
    ["w1", "from elsewhere", 1, 1, server.log.epoch],
    ["w3", "again", 2, 3, server.log.epoch],
  ]);
  assert.deepEqual([heartbeat.gseq, heartbeat.heads], [3, { dev: 2, ops: 1 }]);
});
