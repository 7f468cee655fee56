/**
 * Several mc_server processes on one NATS JetStream cluster (--cluster),
 * with real nats-server nodes: posts through one server reach another's
 * subscribers once each and in order, with the same numbers everywhere;
 * the stream's leader killed with kill -9 in a burst loses nothing
 * acknowledged, and comes back caught up; presence crosses servers; and
 * the command line's refusals. Waits are for output lines, exits, or a
 * condition polled within PATIENCE_MS.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { connectCluster, NAMES, type Cluster } from "../shared/cluster/connection.js";
import { freePort } from "../shared/cluster/nats-nodes.js";
import { delay } from "../shared/delay.js";
import { assertEachOnceInOrder, clientArgs, CLIENT, follow, messages, numberedLines, SERVER } from "../shared/testing/chat.js";
import { natsCluster } from "../shared/testing/nats-cluster.js";
import { PATIENCE_MS, run, runToExit, startServer } from "../shared/testing/processes.js";

/** Two servers of one 3-node cluster. */
async function twoServers(t: TestContext, extraA: string[] = []) {
  const nats = await natsCluster(t);
  const a = await startServer(t, SERVER, ["--cluster", nats.urls, ...extraA]);
  const b = await startServer(t, SERVER, ["--cluster", nats.urls]);
  return { nats, a, b };
}

/** A connection of the test's own, to look at the stream. */
async function probe(t: TestContext, urls: string): Promise<Cluster> {
  const c = await connectCluster(urls.split(","));
  t.after(() => c.close());
  return c;
}

/** Polls `check` until it holds; fails past PATIENCE_MS (a bound against hangs). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) assert.fail(`not within ${PATIENCE_MS} ms: ${what}`);
    await delay(200);
  }
}

test("two servers: lines posted through A reach a subscriber on B once each, in order; both number and record them alike", async (t) => {
  const { a, b } = await twoServers(t);
  assert.match(a.out[0]!, /, messages in the NATS cluster at nats:\/\/127\.0\.0\.1:\d+,nats:\/\/127\.0\.0\.1:\d+,nats:\/\/127\.0\.0\.1:\d+ \(Ctrl-C to stop\)$/);
  const bob = await follow(t, b, "dev", "bob", ["--history", "0"]);
  const amy = await runToExit(t, CLIENT, clientArgs(a, "dev", "amy", ["--history", "0"]), numberedLines("amy", 1, 50));
  assert.equal(amy.code, 0, amy.err.join("\n"));
  await bob.line(/^amy: amy 50 \(/);
  assertEachOnceInOrder(messages(bob), ["amy"], 50, "bob on B");
  const recordedA = await a.lines(/^\[dev #\d+\]/, 50);
  const recordedB = await b.lines(/^\[dev #\d+\]/, 50);
  assert.deepEqual(recordedB, recordedA, "the same numbered record on both servers");
  assert.match(recordedA[49]!, /^\[dev #50\] amy: amy 50 \(/);
  /* History from either server is the same. */
  for (const s of [a, b]) {
    const late = await follow(t, s, "dev", "late");
    assert.deepEqual(messages(late), Array.from({ length: 20 }, (_, i) => `amy: amy ${31 + i}`));
  }
  /* B's post continues the channel's numbering A's posts started. */
  assert.equal((await runToExit(t, CLIENT, clientArgs(b, "dev", "bob2", ["--history", "0"]), "from B\n")).code, 0);
  assert.match((await a.lines(/^\[dev #51\]/, 1))[0]!, /^\[dev #51\] bob2: from B/);
  /* Ctrl-C: the server closes its log and its NATS connection, and exits. */
  a.kill("SIGINT");
  assert.equal(await a.exit, 0);
  assert.equal(a.out.at(-1), "stopped after recording 51 messages");
});

test("the stream's leader killed with kill -9 in a 300-post burst: every acknowledged line reaches B's subscriber once, in order; the node comes back caught up", async (t) => {
  /* --rate 100 --burst 1 spreads amy's posts over about 3 s, so the kill lands in mid-burst. */
  const { nats, a, b } = await twoServers(t, ["--rate", "100", "--burst", "1"]);
  const look = await probe(t, nats.urls);
  const bob = await follow(t, b, "dev", "bob", ["--history", "0"]);
  const amy = run(t, CLIENT, clientArgs(a, "dev", "amy", ["--history", "0"]));
  amy.write(numberedLines("amy", 1, 300));
  amy.end();
  await bob.line(/^amy: amy 30 \(/);
  const leaderName = (await look.jsm.streams.info(NAMES.logStream)).cluster!.leader!;
  const leader = nats.nodes.find((n) => n.name === leaderName)!;
  await leader.kill("SIGKILL");

  /* A piped client exits 0 only once every line is acknowledged. */
  assert.equal(await amy.exit, 0, amy.err.join("\n"));
  await bob.line(/^amy: amy 300 \(/);
  assertEachOnceInOrder(messages(bob), ["amy"], 300, "bob on B");

  await leader.restart();
  let last = "";
  await until("the restarted node is current", async () => {
    const info = await look.jsm.streams.info(NAMES.logStream);
    const replica = info.cluster?.replicas?.find((r) => r.name === leaderName);
    last = JSON.stringify({ state: info.state.messages, leader: info.cluster?.leader, replica });
    return info.state.messages === 300 && info.state.last_seq === 300 && replica?.current === true && !replica.lag;
  }).catch((err) => assert.fail(`${(err as Error).message}; last seen ${last}`));
});

test("presence crosses servers: a user on A joins and leaves on B's subscribers, and /who on B lists her", async (t) => {
  const { a, b } = await twoServers(t);
  const bob = await follow(t, b, "dev", "bob", ["--history", "0"]);
  const amy = run(t, CLIENT, clientArgs(a, "dev", "amy", ["--history", "0"]));
  await bob.line(/^amy joined #dev$/, "err");
  const who = await runToExit(t, CLIENT, clientArgs(b, "dev", "checker", ["--history", "0"]), "/who\n");
  assert.deepEqual(who.out.filter((l) => l.startsWith("  ")).map((l) => l.trim().split(/\s+/)[0]), ["amy", "bob", "checker"], who.out.join("\n"));
  amy.end();
  assert.equal(await amy.exit, 0);
  await bob.line(/^amy left #dev$/, "err");
});

test("--cluster with nothing listening: one sentence, exit 1", async (t) => {
  const port = await freePort();
  const r = await runToExit(t, SERVER, ["127.0.0.1", "0", "0", "--cluster", `nats://127.0.0.1:${port}`]);
  assert.equal(r.code, 1);
  assert.equal(r.err.length, 1, r.err.join("\n"));
  assert.match(r.err[0]!, new RegExp(`^could not reach the NATS cluster at nats://127\\.0\\.0\\.1:${port} \\(`));
  assert.deepEqual(r.out, []);
});

test("--cluster with --store is a usage error: exit 2", async (t) => {
  const r = await runToExit(t, SERVER, ["127.0.0.1", "0", "0", "--cluster", "nats://127.0.0.1:4222", "--store", "chat.db"]);
  assert.equal(r.code, 2);
  assert.equal(r.err[0], "--cluster and --store do not go together: with --cluster, messages are kept in the cluster");
  assert.match(r.err[1]!, /^Usage: node part4\/mc_server\.js /);
});
