/**
 * The directory (mc_directory) with real processes: a 3-node NATS cluster
 * on loopback, chat servers the directory launches itself, and clients
 * started with --directory. A full server (the default 10 users) sends the
 * 11th user to a new one; an idle server is asked to stop and exits; a client whose server is
 * killed moves to another and its lines arrive once each, in order; and
 * the errors a person meets are one sentence each.
 * Every wait is for an output line or an exit; PATIENCE_MS only bounds hangs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { natsCluster } from "../shared/testing/nats-cluster.js";
import { startDirectory, DIRECTORY } from "../shared/testing/directory.js";
import { run, runToExit, PATIENCE_MS, type Proc } from "../shared/testing/processes.js";
import { CLIENT, messages } from "../shared/testing/chat.js";
import { freePort } from "../shared/cluster/nats-nodes.js";
import { askDirectory } from "../shared/client/directory.js";

/** A client of the directory, with a generous --give-up (outages are what is under test). */
const viaDirectory = (t: Parameters<typeof run>[0], address: string, channel: string, name: string) =>
  run(t, CLIENT, ["--directory", address, channel, name, "--give-up", "60"]);

/** The PUB endpoint a client says it connected to. */
async function connectedTo(c: Proc): Promise<string> {
  return (await c.line(/^connected to (tcp:\/\/[\d.]+:\d+) as /, "err"))[1]!;
}

test("with the default 10 users per server the 11th user is sent to a server the directory launched; stopping the directory stops them", async (t) => {
  const nats = await natsCluster(t);
  const dir = await startDirectory(t, nats.urls);
  assert.match(dir.out[0]!, /, 10 users per server$/);
  const ann = viaDirectory(t, dir.address, "dev", "ann");
  const first = await connectedTo(ann);
  // Users 2 to 10 ask as a client does first (the assign request); their slots stay claimed for 30 s.
  for (let i = 2; i <= 10; i++) {
    const given = await askDirectory(`tcp://${dir.address}`, `user${i}`);
    assert.equal(given.pub, first, `user ${i} fits on the first server`);
  }
  const cy = viaDirectory(t, dir.address, "dev", "cy");
  const eleventh = await connectedTo(cy);
  assert.notEqual(eleventh, first, "the 11th user is on another server");
  assert.equal(dir.launches(), 2, dir.out.join("\n"));
  assert.ok(dir.serverPid(eleventh) !== undefined, `the directory says it launched ${eleventh}`);
  assert.match(dir.out.find((l) => l.startsWith("launching a chat server "))!, /^launching a chat server \(pid \d+\): node \S+\/part4\/mc_server\.js 127\.0\.0\.1 0 0 --cluster nats:\/\//);
  // Stopping the directory stops the servers it launched.
  dir.kill("SIGTERM");
  assert.equal(await dir.exit, 0);
  assert.equal(dir.out.filter((l) => /^server process \d+ exited /.test(l)).length, 2, dir.out.join("\n"));
  assert.equal(dir.out.at(-1), "directory stopped");
});

test("a server with no users for --idle seconds is asked to stop, and exits 0", async (t) => {
  const nats = await natsCluster(t);
  const dir = await startDirectory(t, nats.urls, ["--idle", "2"]);
  // One client comes and goes: its slot is freed when it says bye.
  const { code } = await runToExit(t, CLIENT, ["--directory", dir.address, "dev", "ann"], "just passing\n");
  assert.equal(code, 0);
  const [asked] = await dir.lines(/^asked server \S+ to stop: no users for \d+ s$/, 1);
  assert.ok(asked);
  await dir.line(/^server process \d+ exited \(code 0\)$/);
  assert.ok(dir.err.some((l) => /^\[server \d+\] stopping: idle, asked by the directory$/.test(l)), dir.err.join("\n"));
});

test("a client whose server is killed moves to another server; its lines typed after the kill arrive once each, in order", async (t) => {
  const nats = await natsCluster(t);
  const dir = await startDirectory(t, nats.urls, ["--users-per-server", "2"]);
  // ann and cy fill the first server; bob, the subscriber, is on the second.
  const ann = viaDirectory(t, dir.address, "dev", "ann");
  const first = await connectedTo(ann);
  const cy = viaDirectory(t, dir.address, "dev", "cy");
  assert.equal(await connectedTo(cy), first);
  const bob = viaDirectory(t, dir.address, "dev", "bob");
  const second = await connectedTo(bob);
  assert.notEqual(second, first);
  // cy leaves, so the second server has room for ann when she moves.
  cy.end();
  assert.equal(await cy.exit, 0);

  process.kill(dir.serverPid(first)!, "SIGKILL");
  for (let i = 1; i <= 5; i++) ann.write(`after the kill ${i}\n`);
  const moved = await ann.line(/^server tcp:\/\/[\d.]+:\d+ stopped answering; moved to (tcp:\/\/[\d.]+:\d+)$/, "err");
  assert.ok(moved);
  await bob.lines(/^ann: after the kill 5 /, 1);
  assert.deepEqual(messages(bob).filter((l) => l.startsWith("ann: ")), [1, 2, 3, 4, 5].map((i) => `ann: after the kill ${i}`));
  ann.end();
  assert.equal(await ann.exit, 0, ann.err.join("\n"));
});

test("directory errors: bad arguments exit 2, a port in use or an unreachable cluster is one sentence, exit 1", async (t) => {
  const missing = await runToExit(t, DIRECTORY, ["127.0.0.1"]);
  assert.equal(missing.code, 2);
  const noCluster = await runToExit(t, DIRECTORY, ["127.0.0.1", "0"]);
  assert.equal(noCluster.code, 2);
  assert.match(noCluster.err[0]!, /cluster/);
  const badCount = await runToExit(t, DIRECTORY, ["127.0.0.1", "0", "--cluster", "nats://127.0.0.1:4222", "--users-per-server", "0"]);
  assert.equal(badCount.code, 2);
  assert.equal(badCount.err[0], "--users-per-server takes a whole number from 1 to 10000");

  const nobody = await freePort();
  const unreachable = await runToExit(t, DIRECTORY, ["127.0.0.1", "0", "--cluster", `nats://127.0.0.1:${nobody}`]);
  assert.equal(unreachable.code, 1);
  assert.equal(unreachable.err.length, 1, unreachable.err.join("\n"));
  assert.match(unreachable.err[0]!, new RegExp(`^could not reach the NATS cluster at nats://127\\.0\\.0\\.1:${nobody} `));

  const nats = await natsCluster(t);
  const dir = await startDirectory(t, nats.urls);
  const port = dir.address.split(":")[1]!;
  const taken = await runToExit(t, DIRECTORY, ["127.0.0.1", port, "--cluster", nats.urls]);
  assert.equal(taken.code, 1);
  assert.deepEqual(taken.err, [`cannot listen on tcp://127.0.0.1:${port}: the port is already in use (is another server running?)`]);
});

test("a client whose directory is not there says so in one sentence and exits 1", async (t) => {
  const port = await freePort();
  const started = Date.now();
  const { code, err } = await runToExit(t, CLIENT, ["--directory", `127.0.0.1:${port}`, "dev", "ann"]);
  assert.equal(code, 1);
  assert.deepEqual(err, [`the directory at tcp://127.0.0.1:${port} did not answer: nothing listens there; is it running?`]);
  assert.ok(Date.now() - started < PATIENCE_MS);
  const bad = await runToExit(t, CLIENT, ["--directory", "nowhere", "dev", "ann"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.err[0], "--directory 'nowhere' is not ip:port (e.g. 127.0.0.1:5550)");
});
