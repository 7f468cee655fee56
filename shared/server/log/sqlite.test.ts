/**
 * The SQLite engine: the log contract, and what only a file has: the lock
 * that keeps a second server out, a failed commit, and migrations from the
 * schema earlier releases wrote.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ALL } from "../../protocol/limits.js";
import { change, logContract, message } from "../../testing/log-contract.js";
import type { EventLog } from "./event-log.js";
import { LATEST } from "./migrations.js";
import { openSqliteLog } from "./sqlite.js";

function tempFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "chat.db");
}

const files = new WeakMap<EventLog, string>();
const opened = (t: TestContext, file: string) => {
  const log = openSqliteLog(file);
  files.set(log, file);
  t.after(() => log.close());
  return log;
};

logContract("sqlite", {
  open: async (t) => opened(t, tempFile(t)),
  reopen: async (t, first) => opened(t, files.get(first)!),
});

const bodies = (entries: { body: Buffer }[]) => entries.map((e) => e.body.toString("utf8"));

test("sqlite: a failed commit forgets its batch, numbering included, and the log goes on", async (t) => {
  const file = tempFile(t);
  await openSqliteLog(file).close();
  // A trigger makes one insert fail, as a full disk or an I/O error would.
  const setup = new Database(file);
  setup.exec("CREATE TRIGGER fail BEFORE INSERT ON entries WHEN NEW.id = 'lost' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  setup.close();
  const log = opened(t, file);
  const told: string[] = [];
  log.onCommitted(({ entries }) => told.push(...entries.map((e) => e.id)));
  await log.appendBatch([message("ok1", "dev")]);
  await assert.rejects(log.appendBatch([message("lost", "dev"), message("ok-but-same-batch", "ops")]), /injected failure/);
  assert.equal(log.lookup("lost"), undefined);
  assert.equal(log.lookup("ok-but-same-batch"), undefined, "the whole batch is forgotten");
  assert.deepEqual([log.gseq, log.head("dev"), log.head("ops")], [1, 1, 0], "its numbers are given back");
  assert.deepEqual(log.channels(), [{ name: "dev", messages: 1 }]);
  assert.deepEqual(await log.appendBatch([message("ok2", "dev")]), [{ seq: 2, gseq: 2 }]);
  assert.deepEqual(bodies(log.read(ALL, undefined, 20)), ["ok1", "ok2"]);
  assert.deepEqual(told, ["ok1", "ok2"], "listeners never hear of a failed batch");
});

test("sqlite: one server per store: a second open fails in one sentence while the first holds the file", async (t) => {
  const file = tempFile(t);
  const first = openSqliteLog(file);
  assert.throws(() => openSqliteLog(file), {
    name: "StoreBusyError",
    message: `cannot open the store '${file}': another server is using it (stop that one, or give this one another file)`,
  });
  await first.close();
  await openSqliteLog(file).close();
});

test("sqlite: a store path that cannot be opened is one sentence", (t) => {
  const dir = tempFile(t).replace(/chat\.db$/, "");
  assert.throws(() => openSqliteLog(join(dir, "no", "such", "dir", "chat.db")), {
    name: "UsageError",
    message: /^cannot open the store '.*chat\.db': /,
  });
});

/**
 * A store file as the release before the event log wrote it (schema version
 * 0, user_version 0): its SQL and its writes, reproduced here as they were
 * so that a later edit of the migrations cannot change the fixture.
 */
function writeVersion0(file: string, rows: [channel: string, seq: number, id: string, time: string, body: string][]): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS messages (
      gseq INTEGER PRIMARY KEY, channel TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
      user TEXT NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL);
    CREATE UNIQUE INDEX IF NOT EXISTS messages_by_channel ON messages (channel, seq);
    CREATE TABLE IF NOT EXISTS channels (name TEXT PRIMARY KEY, head INTEGER NOT NULL);
  `);
  db.prepare("INSERT INTO meta (key, value) VALUES ('epoch', ?)").run("0ld3p0c4");
  const insert = db.prepare("INSERT INTO messages (gseq, channel, seq, id, user, time, kind, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const setHead = db.prepare("INSERT INTO channels (name, head) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET head = excluded.head");
  db.transaction(() => {
    rows.forEach(([channel, seq, id, time, body], i) => {
      insert.run(i + 1, channel, seq, id, "amy", time, i === 1 ? "me" : "say", Buffer.from(body));
      setHead.run(channel, seq);
    });
  })();
  db.close();
}

test("sqlite: a store written before the event log opens with every message, its epoch and its numbering", async (t) => {
  const file = tempFile(t);
  writeVersion0(file, [
    ["dev", 1, "old-1", "2026-01-31T22:00:00.000-06:00", "first"],
    ["ops", 1, "old-2", "2026-02-01T04:00:01.500Z", "second"],
    ["dev", 2, "old-3", "2026-02-01T04:00:02.000Z", "third 🎉"],
  ]);
  const log = opened(t, file);
  assert.equal(log.epoch, "0ld3p0c4");
  assert.deepEqual([log.gseq, log.head("dev"), log.head("ops")], [3, 2, 1]);
  assert.deepEqual(log.channels(), [{ name: "dev", messages: 2 }, { name: "ops", messages: 1 }]);
  assert.deepEqual(log.read(ALL, undefined, 20).map((e) => ({ ...e, body: e.body.toString("utf8") })), [
    { type: "message", id: "old-1", channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: "first", seq: 1, gseq: 1, received: Date.parse("2026-02-01T04:00:00.000Z") },
    { type: "message", id: "old-2", channel: "ops", user: "amy", time: "2026-02-01T04:00:01.500Z", kind: "me", body: "second", seq: 1, gseq: 2, received: Date.parse("2026-02-01T04:00:01.500Z") },
    { type: "message", id: "old-3", channel: "dev", user: "amy", time: "2026-02-01T04:00:02.000Z", kind: "say", body: "third 🎉", seq: 2, gseq: 3, received: Date.parse("2026-02-01T04:00:02.000Z") },
  ], "received is the poster's time for messages from before receive times were kept");
  assert.deepEqual(log.lookup("old-2"), { seq: 1, gseq: 2 }, "a retry of an old post is still recognised");
  const later = { received: Date.parse("2026-02-01T05:00:00.000Z") }; // receive times never go back along the log
  assert.deepEqual(await log.appendBatch([message("new-1", "dev", "n1", later), message("new-2", "ops", "n2", { received: later.received + 1 })]), [{ seq: 3, gseq: 4 }, { seq: 2, gseq: 5 }]);
  await log.close();

  const check = new Database(file, { readonly: true });
  t.after(() => check.close());
  assert.equal(check.pragma("user_version", { simple: true }), LATEST);
  assert.equal(check.prepare("SELECT name FROM sqlite_master WHERE name = 'channels'").get(), undefined, "heads are read from entries since version 7");
  assert.deepEqual(check.prepare("SELECT gseq, type, received FROM entries WHERE gseq > 3").all(), [
    { gseq: 4, type: "message", received: later.received },
    { gseq: 5, type: "message", received: later.received + 1 },
  ]);
});

test("sqlite: a new file is created at the latest version; a file from a newer server is refused in one sentence", async (t) => {
  const file = tempFile(t);
  await openSqliteLog(file).close();
  const db = new Database(file);
  assert.equal(db.pragma("user_version", { simple: true }), LATEST);
  db.pragma(`user_version = ${LATEST + 1}`);
  db.close();
  assert.throws(() => openSqliteLog(file), {
    name: "UsageError",
    message: `cannot open the store '${file}': it was written by a newer version of the server (schema ${LATEST + 1}; this one knows up to ${LATEST})`,
  });
});

test("sqlite: a deleted message's text, and its edits', are gone from the file's bytes (.db and -wal), while the log is open and after", async (t) => {
  const file = tempFile(t);
  const log = opened(t, file);
  const mine = { account: true as const };
  const secrets = ["secret-original-7f3a", "secret-edited-44be", "secret-tail-0d9e"];
  /* Long enough for overflow pages, which a deletion frees: secure_delete zeroes them. */
  const long = `${secrets[0]} ${"lorem ipsum ".repeat(1000)} ${secrets[2]}`;
  await log.appendBatch([message("m1", "dev", long, mine), message("m2", "dev", "kept-text-19c2", mine)]);
  await log.appendBatch([change("e1", "dev", 1, secrets[1])]);
  const bytes = () => Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
  for (const s of secrets) assert.ok(bytes().includes(s), `${s} is in the file before the deletion`);
  await log.appendBatch([change("d1", "dev", 1)]);
  for (const s of secrets) assert.equal(bytes().includes(s), false, `${s} is gone once deleted`);
  assert.ok(bytes().includes("kept-text-19c2"));
  await log.close();
  for (const s of secrets) assert.equal(bytes().includes(s), false, `${s} is gone after closing`);
});
