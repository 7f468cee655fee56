import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { natsCluster } from "../testing/nats-cluster.js";

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
