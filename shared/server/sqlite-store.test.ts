import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { TestContext } from "node:test";
import { openSqliteStore } from "./sqlite-store.js";
import type { NewMessage } from "./store.js";

function tempFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "chat.db");
}

const post = (id: string, channel: string, body = id): NewMessage => ({
  id, channel, user: "amy", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: Buffer.from(body),
});

const bodies = (ms: { body: string }[]) => ms.map((m) => m.body);

test("numbers per channel and in one global order; history by channel and for ALL", (t) => {
  const store = openSqliteStore(tempFile(t));
  t.after(() => store.close());
  assert.deepEqual(store.append(post("a1", "dev")), { seq: 1, gseq: 1 });
  assert.deepEqual(store.append(post("b1", "ops")), { seq: 1, gseq: 2 });
  assert.deepEqual(store.append(post("a2", "dev")), { seq: 2, gseq: 3 });
  store.commit();
  assert.equal(store.gseq, 3);
  assert.equal(store.head("dev"), 2);
  assert.deepEqual(store.channels(), [{ name: "dev", messages: 2 }, { name: "ops", messages: 1 }]);
  assert.deepEqual(bodies(store.history("dev", undefined, 20)), ["a1", "a2"]);
  assert.deepEqual(bodies(store.history("ALL", undefined, 2)), ["b1", "a2"], "the newest 2, oldest first");
  assert.deepEqual(bodies(store.history("ALL", 1, 1)), ["b1"], "after gseq 1, at most 1");
  assert.deepEqual(bodies(store.history("nowhere", undefined, 20)), []);
  const [m] = store.history("dev", 1, 5);
  assert.deepEqual(m, { id: "a2", channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: "a2", epoch: store.epoch, seq: 2, gseq: 3 });
});

test("after a restart: same epoch, numbering continues, retried ids are still recognised, uncommitted posts are gone", (t) => {
  const file = tempFile(t);
  const first = openSqliteStore(file);
  for (let i = 1; i <= 5; i++) first.append(post(`p${i}`, i % 2 ? "dev" : "ops"));
  first.commit();
  first.append(post("never-committed", "dev"));
  assert.deepEqual(first.lookup("never-committed"), { seq: 4, gseq: 6 }, "a pending post is known to its batch");
  const epoch = first.epoch;
  first.close(); // like a crash before the batch's commit: the file never saw it

  const second = openSqliteStore(file);
  t.after(() => second.close());
  assert.equal(second.epoch, epoch);
  assert.equal(second.gseq, 5);
  assert.equal(second.head("dev"), 3);
  assert.deepEqual(second.lookup("p4"), { seq: 2, gseq: 4 });
  assert.equal(second.lookup("never-committed"), undefined);
  assert.deepEqual(second.append(post("p6", "dev")), { seq: 4, gseq: 6 });
  second.commit();
  assert.deepEqual(bodies(second.history("dev", undefined, 20)), ["p1", "p3", "p5", "p6"]);
});

test("a failed commit forgets its batch, numbering included, and the store goes on", (t) => {
  const file = tempFile(t);
  openSqliteStore(file).close();
  // A trigger makes one insert fail, as a full disk or an I/O error would.
  const setup = new Database(file);
  setup.exec("CREATE TRIGGER fail BEFORE INSERT ON messages WHEN NEW.id = 'lost' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  setup.close();
  const store = openSqliteStore(file);
  t.after(() => store.close());
  store.append(post("ok1", "dev"));
  store.commit();
  assert.deepEqual(store.append(post("lost", "dev")), { seq: 2, gseq: 2 });
  store.append(post("ok-but-same-batch", "ops"));
  assert.throws(() => store.commit(), /injected failure/);
  assert.equal(store.lookup("lost"), undefined);
  assert.equal(store.lookup("ok-but-same-batch"), undefined, "the whole batch is forgotten");
  assert.deepEqual([store.gseq, store.head("dev"), store.head("ops")], [1, 1, 0], "its numbers are given back");
  assert.deepEqual(store.append(post("ok2", "dev")), { seq: 2, gseq: 2 });
  store.commit();
  assert.deepEqual(bodies(store.history("ALL", undefined, 20)), ["ok1", "ok2"]);
});

test("one server per store: a second open fails in one sentence while the first holds the file", (t) => {
  const file = tempFile(t);
  const first = openSqliteStore(file);
  assert.throws(() => openSqliteStore(file), {
    name: "StoreBusyError",
    message: `cannot open the store '${file}': another server is using it (stop that one, or give this one another file)`,
  });
  first.close();
  openSqliteStore(file).close();
});

test("a store path that cannot be opened is one sentence", (t) => {
  const dir = tempFile(t).replace(/chat\.db$/, "");
  assert.throws(() => openSqliteStore(join(dir, "no", "such", "dir", "chat.db")), {
    name: "UsageError",
    message: /^cannot open the store '.*chat\.db': /,
  });
});
