/**
 * The directory's choices without NATS: who is live, least-loaded first,
 * free slot numbers, a user's held slots, and what is stale.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CLAIM_MS, LIVE_MS, type ServerRecord } from "../cluster/registry-records.js";
import { DEAD_MS, ServerTable } from "./server-table.js";

const server = (id: string, beat: number, started = 0): ServerRecord =>
  ({ id, post: `tcp://127.0.0.1:1${id.length}`, pub: "tcp://127.0.0.1:2", pid: 1, host: "h", started, beat });

test("live servers come least loaded first; free slots, held slots and stale ones are found", () => {
  const now = 1_000_000;
  const t = new ServerTable();
  t.server("a", server("a", now, 1), 1);
  t.server("b", server("b", now, 2), 2);
  t.server("old", server("old", now - LIVE_MS - 1), 3);
  t.slot("a.0", { user: "ann", claimed: now, used: true }, 4);
  t.slot("a.2", { user: "cy", claimed: now - CLAIM_MS - 1 }, 5);
  assert.deepEqual(t.live(now).map((s) => s.id), ["b", "a"], "a silent server is not live; the emptier first");
  assert.deepEqual(t.freeSlots("a", 3), [1]);
  assert.deepEqual(t.held("ann").map((h) => h.key), ["a.0"]);
  assert.deepEqual(t.staleSlots(now).map((s) => s.key), ["a.2"], "claimed long ago and never used");
  t.slot("a.2", undefined, 6);
  t.slot("b.0", { user: "di", claimed: now }, 7);
  assert.deepEqual(t.live(now).map((s) => s.id), ["a", "b"], "equal load: the older server first");
  assert.deepEqual(t.staleSlots(now + DEAD_MS + 1).map((s) => s.key).sort(), ["a.0", "b.0"], "the slots of servers gone");
  assert.deepEqual(t.deadServers(now + DEAD_MS + 1).map((s) => s.id).sort(), ["a", "b", "old"]);
});
