/**
 * The server registry against a real 3-node NATS cluster: the record and
 * its heartbeat, a claimed slot marked used when its user arrives and freed
 * when the user leaves, the stop request (busy with users, stopping
 * without), and nothing left behind after close.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KV, KvWatchEntry } from "@nats-io/kv";
import { connectCluster } from "../../cluster/connection.js";
import { openRegistryBuckets, serverRecord, slotKey, slotRecord, stopSubject } from "../../cluster/registry-records.js";
import { natsCluster } from "../../testing/nats-cluster.js";
import { PATIENCE_MS } from "../../testing/processes.js";
import { registerServer, type RegisteredServer } from "./registry.js";

/** Resolves with the first entry of `key` (as the watch sees it) that satisfies `ok`. */
async function until(kv: KV, key: string, ok: (e: KvWatchEntry) => boolean, what: string): Promise<KvWatchEntry> {
  const watch = await kv.watch({ key });
  /* A bound against hangs, not a timing margin. */
  const timer = setTimeout(() => watch.stop(), PATIENCE_MS);
  try {
    for await (const e of watch) if (ok(e)) return e;
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
  throw new Error(`${what}: not seen within ${PATIENCE_MS} ms`);
}

test("a registered server beats, keeps its slots true, answers stop requests and leaves nothing behind", async (t) => {
  const nats = await natsCluster(t);
  const cluster = await connectCluster(nats.urls.split(","));
  t.after(() => cluster.close());
  const users = new Set<string>();
  const server: RegisteredServer = {
    postEndpoint: "tcp://127.0.0.1:5001", pubEndpoint: "tcp://127.0.0.1:5002", fileEndpoint: "tcp://0.0.0.0:5003",
    presentUsers: () => users,
    onHello: (l) => {
      hellos.push(l);
      return () => {};
    },
  };
  const hellos: ((user: string) => void)[] = [];
  let stops = 0;
  const reg = await registerServer({ cluster, server, onStop: () => stops++ });
  t.after(() => reg.close());
  const { servers, slots } = await openRegistryBuckets(cluster);

  const first = serverRecord((await servers.get(reg.id))!)!;
  assert.equal(first.post, "tcp://127.0.0.1:5001");
  assert.equal(first.pub, "tcp://127.0.0.1:5002");
  assert.doesNotMatch(first.files!, /0\.0\.0\.0/, "an every-interface endpoint is advertised at an address");
  assert.equal(first.pid, process.pid);
  await until(servers, reg.id, (e) => (serverRecord(e)?.beat ?? 0) > first.beat, "a newer beat");

  // The directory claims a slot for ann; ann arrives, so the server marks it used.
  await slots.create(slotKey(reg.id, 0), JSON.stringify({ user: "ann", claimed: Date.now() }));
  assert.equal(new TextDecoder().decode((await cluster.nc.request(stopSubject(reg.id), "stop")).data), "busy", "a claimed slot keeps it busy");
  users.add("ann");
  await until(slots, slotKey(reg.id, 0), (e) => slotRecord(e)?.used === true, "ann's slot marked used");
  // ann leaves: the slot is freed.
  users.delete("ann");
  await until(slots, slotKey(reg.id, 0), (e) => e.operation !== "PUT", "ann's slot freed");

  // dee's client says hello and leaves before the next beat: her slot is freed all the same.
  await slots.create(slotKey(reg.id, 3), JSON.stringify({ user: "dee", claimed: Date.now() }));
  for (const hello of hellos) hello("dee");
  await until(slots, slotKey(reg.id, 3), (e) => e.operation !== "PUT", "dee's slot freed");

  users.add("bob");
  assert.equal(new TextDecoder().decode((await cluster.nc.request(stopSubject(reg.id), "stop")).data), "busy");
  assert.equal(stops, 0);
  users.delete("bob");
  assert.equal(new TextDecoder().decode((await cluster.nc.request(stopSubject(reg.id), "stop")).data), "stopping");
  assert.equal(stops, 1);

  await slots.create(slotKey(reg.id, 1), JSON.stringify({ user: "cy", claimed: Date.now() }));
  await until(slots, slotKey(reg.id, 1), (e) => e.operation === "PUT", "cy's slot claimed");
  await reg.close();
  assert.equal((await servers.get(reg.id))?.operation ?? "DEL", "DEL", "the record is deleted");
  assert.notEqual((await slots.get(slotKey(reg.id, 1)))?.operation ?? "DEL", "PUT", "its slots are deleted");
  await cluster.close();
});
