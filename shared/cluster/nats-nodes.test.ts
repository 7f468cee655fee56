import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsCluster } from "../testing/nats-cluster.js";
import { startNatsCluster } from "./nats-nodes.js";

test("three local NATS nodes form one JetStream cluster, and a killed node comes back", async (t) => {
  const cluster = await natsCluster(t);
  const nc = await connect({ servers: cluster.urls.split(",") });
  t.after(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.add({ name: "T", subjects: ["t"], num_replicas: 3 });
  assert.equal(info.config.num_replicas, 3);
  await cluster.nodes[1]!.kill();
  assert.equal(cluster.nodes[1]!.running, false);
  await cluster.nodes[1]!.restart();
  assert.equal(cluster.nodes[1]!.running, true);
});

test("a node whose port another process took meanwhile: the cluster starts again on new ports", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "chat-nats-taken-"));
  /* The first nats-server started fails as a taken port makes it fail; every later one is the real one. */
  const marker = join(dir, "failed-once");
  const command = join(dir, "nats-server-once-taken");
  writeFileSync(command, [
    "#!/bin/sh",
    `if [ ! -e '${marker}' ]; then touch '${marker}'; echo '[1] [FTL] Error listening on port: 127.0.0.1:1, "listen tcp 127.0.0.1:1: bind: address already in use"'; exit 1; fi`,
    'exec nats-server "$@"',
    "",
  ].join("\n"));
  chmodSync(command, 0o755);
  const cluster = await startNatsCluster(join(dir, "nodes"), 3, command);
  t.after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  assert.ok(existsSync(marker), "the first start failed as planned");
  assert.deepEqual(cluster.nodes.map((n) => n.running), [true, true, true]);
});
