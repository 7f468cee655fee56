/**
 * The server's per-client tables stay bounded: the dedupe index by
 * capacity, rate-limit buckets and presence sessions by pruning.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { IdIndex } from "./id-index.js";
import { PresenceTable } from "./presence-table.js";
import { RateLimiter } from "./rate-limiter.js";

test("the dedupe index keeps the newest `capacity` ids; one set again counts as new", () => {
  const ids = new IdIndex(3);
  ["a", "b", "c"].forEach((id, i) => ids.set(id, i + 1));
  ids.set("a", 4);
  ids.set("d", 5);
  assert.equal(ids.size, 3);
  assert.equal(ids.get("b"), undefined, "the oldest went first");
  assert.deepEqual(["a", "c", "d"].map((id) => ids.get(id)), [4, 3, 5]);
  for (let i = 0; i < 1000; i++) ids.set(`x${i}`, 10 + i);
  assert.equal(ids.size, 3);
});

test("rate-limit buckets: a burst, then waits; buckets that refilled are pruned", () => {
  const limiter = new RateLimiter(10, 3);
  const t0 = 1_000_000;
  assert.deepEqual([1, 2, 3].map(() => limiter.take("c1", t0)), [0, 0, 0]);
  assert.equal(limiter.take("c1", t0), 100, "one token a tenth of a second");
  limiter.take("c2", t0 + 200);
  assert.equal(limiter.size, 2);
  limiter.prune(t0 + 299); // c1 is full 300 ms after its last take; c2 not yet
  assert.equal(limiter.size, 2);
  limiter.prune(t0 + 300);
  assert.equal(limiter.size, 1);
  limiter.prune(t0 + 500);
  assert.equal(limiter.size, 0);
});

test("presence: silent sessions are pruned with a leave each, and the table has a capacity", () => {
  const p = new PresenceTable(1000, 2);
  assert.deepEqual(p.hello({ session: "s1", user: "amy", channels: ["dev"] }, 0), [{ event: "join", user: "amy", channel: "dev" }]);
  p.hello({ session: "s2", user: "bob", channels: ["dev"] }, 500);
  assert.deepEqual(p.prune(1200), [{ event: "leave", user: "amy", channel: "dev" }]);
  assert.equal(p.size, 1);
  p.hello({ session: "s3", user: "cy", channels: ["ops"] }, 1300);
  assert.deepEqual(p.hello({ session: "s4", user: "di", channels: ["ops"] }, 1400), [
    { event: "join", user: "di", channel: "ops" },
    { event: "leave", user: "bob", channel: "dev" },
  ], "past capacity the least recently seen goes");
  assert.equal(p.size, 2);
});
