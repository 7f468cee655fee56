/**
 * Test support: a 3-node NATS JetStream cluster on loopback, on free ports,
 * with its stores in a temporary directory; every node is killed and the
 * directory removed when the test ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { startNatsCluster, type NatsCluster } from "../cluster/nats-nodes.js";

export async function natsCluster(t: TestContext, count = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), "chat-nats-"));
  const cluster = await startNatsCluster(dir, count);
  t.after(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill("SIGKILL")));
    rmSync(dir, { recursive: true, force: true });
  });
  return cluster;
}
