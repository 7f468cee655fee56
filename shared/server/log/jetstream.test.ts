/**
 * The JetStream engine on a real 3-node NATS cluster: the log contract (a
 * fresh stream per case; reopening is another engine on the same stream, as
 * a restarted server is), and what only a shared log has: two servers read
 * back each other's entries in one order with the same numbers, and a
 * retried append is stored once.
 */
import { after, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectCluster, type Cluster } from "../../cluster/connection.js";
import { startNatsCluster, type NatsCluster } from "../../cluster/nats-nodes.js";
import { ALL } from "../../protocol/limits.js";
import { logContract, message } from "../../testing/log-contract.js";
import type { EventLog } from "./event-log.js";
import { openJetStreamLog, type JetStreamLog } from "./jetstream.js";

/* One cluster for the file (three nodes take a few seconds to start); a stream per case. */
let nodes: Promise<NatsCluster> | undefined;
const dir = mkdtempSync(join(tmpdir(), "chat-nats-log-"));
const connections: Cluster[] = [];
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  if (nodes) await Promise.all((await nodes).nodes.map((n) => n.kill("SIGKILL")));
  rmSync(dir, { recursive: true, force: true });
});

async function connect(): Promise<Cluster> {
  nodes ??= startNatsCluster(dir, 3);
  const c = await connectCluster((await nodes).urls.split(","));
  connections.push(c);
  return c;
}

let streams = 0;
const streamOf = new WeakMap<EventLog, string>();

async function openOn(t: TestContext, stream: string): Promise<JetStreamLog> {
  const log = await openJetStreamLog(await connect(), { stream, subject: `test.${stream}` });
  streamOf.set(log, stream);
  t.after(() => log.close());
  return log;
}

logContract("jetstream", {
  remote: true,
  open: (t) => openOn(t, `LOG${++streams}`),
  reopen: (t, first) => openOn(t, streamOf.get(first)!),
});

test("jetstream: two servers on one stream read every entry in one order with the same numbers", async (t) => {
  const stream = `TWO${++streams}`;
  const a = await openOn(t, stream);
  const b = await openOn(t, stream);
  assert.equal(a.epoch, b.epoch, "one epoch for every server of the stream");
  const told: string[] = [];
  b.onCommitted(({ entries, numbers }) => entries.forEach((e, i) => told.push(`${e.id}=${numbers[i]!.seq}/${numbers[i]!.gseq}`)));
  /* Both post at once, to the same channels. */
  const fromA = Array.from({ length: 20 }, (_, i) => a.appendBatch([message(`a${i}`, i % 2 ? "dev" : "ops")]));
  const fromB = Array.from({ length: 20 }, (_, i) => b.appendBatch([message(`b${i}`, i % 3 ? "dev" : "ops"), message(`b${i}x`, "ops")]));
  const answers = [...(await Promise.all(fromA)), ...(await Promise.all(fromB))].flat();
  assert.equal(new Set(answers.map((n) => n.gseq)).size, 60, "every entry its own gseq");
  await b.caughtUp(60);
  await a.caughtUp(60);
  const view = (log: EventLog, channel: string) => log.read(channel, 0, 100).map((e) => `${e.id} ${e.seq}/${e.gseq}`);
  for (const channel of [ALL, "dev", "ops"]) assert.deepEqual(view(a, channel), view(b, channel), channel);
  assert.deepEqual(view(a, ALL).map((l) => Number(l.split("/")[1])), Array.from({ length: 60 }, (_, i) => i + 1), "gseq is the stream sequence, gap-free");
  assert.equal(a.head("dev") + a.head("ops"), 60);
  assert.deepEqual(told, view(b, ALL).map((l) => l.replace(" ", "=")), "b's listeners heard a's entries too, in the log's order");
});

test("jetstream: a retried append (the same ids) is stored once and answered with the first numbers", async (t) => {
  const stream = `RETRY${++streams}`;
  const a = await openOn(t, stream);
  const b = await openOn(t, stream);
  const first = await a.appendBatch([message("p1", "dev", "once"), message("p2", "dev", "twice?")]);
  /* The same post through the other server, as a client retrying elsewhere would (the pipeline's lookup aside). */
  assert.deepEqual(await b.appendBatch([message("p2", "dev", "twice?"), message("p3", "dev", "new")]), [first[1], { seq: 3, gseq: 3 }]);
  assert.deepEqual(await a.appendBatch([message("p1", "dev", "once")]), [first[0]]);
  assert.deepEqual(a.read("dev", 0, 10).map((e) => e.body.toString()), ["once", "twice?", "new"]);
  assert.equal(a.gseq, 3);
});
