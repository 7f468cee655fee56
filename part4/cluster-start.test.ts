import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { killGroup, run, runCommand, ROOT } from "../shared/testing/processes.js";
import { join } from "node:path";

test("npm run cluster starts three NATS nodes, the directory and a server; a client given the directory chats; Ctrl-C stops everything", async (t) => {
  const cluster = runCommand(t, process.execPath, [join(ROOT, "part4/mc_cluster.js"), "--port", "0"], { label: "mc_cluster", group: true });
  const ready = await cluster.line(/^cluster ready; to chat, in another terminal: node part4\/mc_client\.js --directory (\S+) general yourname$/);
  const stores = (await cluster.line(/^NATS nodes: (\S+) \(stores in (\S+)\)$/))[2]!;
  assert.ok(existsSync(stores));
  const reader = run(t, "part4/mc_client.js", ["--directory", ready[1]!, "general", "zoe"]);
  await reader.line(/^connected to tcp:\/\/[\d.]+:\d+ as /, "err");
  const writer = run(t, "part4/mc_client.js", ["--directory", ready[1]!, "general", "kyle"]);
  writer.write("hello from the cluster\n");
  writer.end();
  assert.equal(await writer.exit, 0);
  await reader.line(/^kyle: hello from the cluster \(/);
  reader.kill("SIGINT");
  killGroup(cluster.child, "SIGINT");
  assert.equal(await cluster.exit, 0);
  assert.equal(existsSync(stores), false, "the temporary directory of the nodes is removed");
});
