/**
 * The shared stream follower and publisher on real NATS nodes: the node
 * holding the follower's consumer killed with kill -9 while messages keep
 * coming (the consumer is made again from the last applied sequence: every
 * message applied once, in order), and a purged stream (a gap: refused at
 * start, and a follower that meets it stops and says why).
 */
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsMsg } from "@nats-io/jetstream";
import { connectCluster, type Cluster } from "./connection.js";
import { startNatsCluster, type NatsCluster } from "./nats-nodes.js";
import { startFollowing, StreamFollower, type StreamConfig } from "./stream-reader.js";
import { publishAll } from "./stream-writer.js";

/* One cluster for the file (three nodes take a few seconds to start); a stream per case. */
const dir = mkdtempSync(join(tmpdir(), "chat-nats-follow-"));
let nats: NatsCluster;
before(async () => {
  nats = await startNatsCluster(dir, 3);
});
after(async () => {
  await Promise.all(nats?.nodes.map((n) => n.kill("SIGKILL")) ?? []);
  rmSync(dir, { recursive: true, force: true });
});

const config = (subject: string): StreamConfig => ({ subject, duplicateWindowMs: 120_000, readyMs: 30_000, unrebuildable: "the test cannot rebuild it" });

async function connect(t: TestContext, urls: string): Promise<Cluster> {
  const cluster = await connectCluster(urls.split(","));
  t.after(() => cluster.close());
  return cluster;
}

function follower(t: TestContext, cluster: Cluster, stream: string, applied: number[], errors: string[] = []): StreamFollower<JsMsg> {
  const f = new StreamFollower(cluster, {
    stream, decode: (m) => m, apply: (ms) => applied.push(...ms.map((m) => Number(new TextDecoder().decode(m.data)))),
    groupMax: 10, stallMs: 3_000, stopping: "the test stops reading", onError: (s) => errors.push(s),
  });
  t.after(() => f.close(new Error("closed")));
  return f;
}

function publish(cluster: Cluster, subject: string, from: number, to: number) {
  const list = Array.from({ length: to - from + 1 }, (_, i) => ({ id: `m${from + i}`, data: new TextEncoder().encode(String(from + i)) }));
  return publishAll(cluster, subject, list, { patienceMs: 20_000, ackMs: 2_000, pauseMs: 200 });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("the node holding the follower's consumer killed with kill -9: every message is applied once, in order", async (t) => {
  const cluster = await connect(t, nats.urls);
  const applied: number[] = [];
  const f = follower(t, cluster, "FOLLOW", applied);
  await startFollowing(cluster, f, config("test.follow"));
  await publish(cluster, "test.follow", 1, 100);
  await f.waitFor(100);
  const consumers = await (await cluster.jsm.consumers.list("FOLLOW")).next();
  assert.equal(consumers.length, 1, "one ordered consumer");
  const host = nats.nodes.find((n) => n.name === consumers[0]!.cluster?.leader)!;
  await host.kill("SIGKILL");

  /* Written while the node is gone (the stream may be electing a leader: unacked publishes go again). */
  const acks = await publish(cluster, "test.follow", 101, 200);
  await f.waitFor(Math.max(...acks.map((a) => a.seq)));
  assert.deepEqual(applied, range(1, 200));
  await host.restart(); // the next case has the whole cluster again
});

test("a purged stream: refused at start, and a follower that meets the gap stops and says why", async (t) => {
  const cluster = await connect(t, nats.urls);
  const first = follower(t, cluster, "GAP", []);
  await startFollowing(cluster, first, config("test.gap"));
  await publish(cluster, "test.gap", 1, 3);
  await cluster.jsm.streams.purge("GAP", { seq: 3 });

  await assert.rejects(startFollowing(cluster, follower(t, cluster, "GAP", []), config("test.gap")), {
    message: "the stream GAP starts at message 3 (was it purged?): the test cannot rebuild it",
  });
  const errors: string[] = [];
  const late = follower(t, cluster, "GAP", [], errors);
  late.start();
  const stopped = "the stream GAP has no message 1 (next is 3; was it purged?): the test stops reading";
  await assert.rejects(late.waitFor(3), { message: stopped });
  assert.deepEqual(errors, [stopped]);
});
