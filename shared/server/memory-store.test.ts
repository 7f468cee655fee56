import { test } from "node:test";
import assert from "node:assert/strict";
import { BODY_MAX_BYTES, ID_MAX_BYTES, NAME_MAX_CHARS } from "../protocol/limits.js";
import { MemoryStore } from "./memory-store.js";
import type { NewMessage } from "./store.js";

const post = (id: string, channel: string, body: string, user = "amy"): NewMessage => ({
  id, channel, user, time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: Buffer.from(body),
});

test("numbers per channel and globally; history newest-N or after a number, oldest first", () => {
  const s = new MemoryStore();
  assert.deepEqual(s.append(post("a", "dev", "one")), { seq: 1, gseq: 1 });
  assert.deepEqual(s.append(post("b", "ops", "two")), { seq: 1, gseq: 2 });
  assert.deepEqual(s.append(post("c", "dev", "three")), { seq: 2, gseq: 3 });
  assert.equal(s.head("dev"), 2);
  assert.equal(s.head("none"), 0);
  assert.deepEqual(s.history("dev", undefined, 20).map((m) => [m.seq, m.gseq, m.body]), [[1, 1, "one"], [2, 3, "three"]]);
  assert.deepEqual(s.history("ALL", 1, 1).map((m) => [m.channel, m.seq, m.body]), [["ops", 1, "two"]]);
  assert.deepEqual(s.history("ALL", undefined, 2).map((m) => m.gseq), [2, 3]);
  assert.deepEqual(s.lookup("c"), { seq: 2, gseq: 3 });
  assert.equal(s.lookup("zzz"), undefined);
  assert.deepEqual(s.channels(), [{ name: "dev", messages: 2 }, { name: "ops", messages: 1 }]);
});

test("the arena keeps every field intact across 4 MiB chunks, at the largest sizes allowed", () => {
  const s = new MemoryStore();
  const id = (i: number) => `${i}-`.padEnd(ID_MAX_BYTES, "x");
  const user = "é".repeat(NAME_MAX_CHARS - 1) + "👋"; // multi-byte UTF-8 at the length limit
  const body = (i: number) => `${i} `.padEnd(BODY_MAX_BYTES - 4, "b") + "🎉";
  const n = 600; // about 9.6 MiB of bodies: three chunks
  for (let i = 1; i <= n; i++) s.append(post(id(i), i % 2 ? "dev" : "ops", body(i), user));
  const all = s.history("ALL", 0, 1000);
  assert.equal(all.length, n);
  for (const [i, m] of all.entries()) {
    assert.equal(m.id, id(i + 1));
    assert.equal(m.user, user);
    assert.equal(m.body, body(i + 1));
    assert.equal(Buffer.byteLength(m.body), BODY_MAX_BYTES);
  }
  assert.deepEqual(s.lookup(id(599)), { seq: 300, gseq: 599 });
});
