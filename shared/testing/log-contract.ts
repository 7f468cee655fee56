/**
 * The event log's contract: one suite of node:test tests that every engine
 * must pass. A test file calls `logContract` with a way to open its engine
 * (and, for a durable engine, to reopen what it wrote).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { ALL, BODY_MAX_BYTES, ID_MAX_BYTES, NAME_MAX_CHARS } from "../protocol/limits.js";
import type { CommittedBatch, EventLog, MessageEntry } from "../server/log/event-log.js";

export interface Engine {
  /** Opens a new, empty log, closed after the test. */
  open(t: TestContext): Promise<EventLog>;
  /** For a durable engine: opens a second log on what `first` wrote (after `first` is closed). */
  reopen?(t: TestContext, first: EventLog): Promise<EventLog>;
}

const TIME = "2026-01-31T22:00:00.000-06:00";

/** A message entry; `received` defaults to a fixed instant so that entries compare exactly. */
export const message = (id: string, channel: string, body = id, more: Partial<MessageEntry> = {}): MessageEntry => ({
  type: "message", id, channel, user: "amy", time: TIME, kind: "say", body: Buffer.from(body), received: 1_769_918_400_123, ...more,
});

const bodies = (entries: { body: Buffer }[]) => entries.map((e) => e.body.toString("utf8"));

/** Registers the contract's tests for `engine`, named after it. */
export function logContract(name: string, engine: Engine): void {
  test(`${name}: numbers per channel and globally; reads newest-N or after a number, oldest first`, async (t) => {
    const log = await engine.open(t);
    assert.equal(log.gseq, 0);
    assert.deepEqual(await log.appendBatch([message("a", "dev", "one"), message("b", "ops", "two")]), [{ seq: 1, gseq: 1 }, { seq: 1, gseq: 2 }]);
    assert.deepEqual(await log.appendBatch([message("c", "dev", "three")]), [{ seq: 2, gseq: 3 }]);
    assert.equal(log.gseq, 3);
    assert.equal(log.head("dev"), 2);
    assert.equal(log.head("none"), 0);
    assert.deepEqual(log.read("dev", undefined, 20).map((e) => [e.seq, e.gseq, e.body.toString()]), [[1, 1, "one"], [2, 3, "three"]]);
    assert.deepEqual(log.read(ALL, 1, 1).map((e) => [e.channel, e.seq, e.body.toString()]), [["ops", 1, "two"]]);
    assert.deepEqual(log.read(ALL, undefined, 2).map((e) => e.gseq), [2, 3], "the newest 2, oldest first");
    assert.deepEqual(log.read("dev", 2, 20), [], "nothing after the head");
    assert.deepEqual(log.read("nowhere", undefined, 20), []);
    assert.deepEqual(log.lookup("c"), { seq: 2, gseq: 3 });
    assert.equal(log.lookup("zzz"), undefined);
    assert.deepEqual(log.channels(), [{ name: "dev", messages: 2 }, { name: "ops", messages: 1 }]);
    assert.deepEqual(await log.appendBatch([]), []);
    assert.equal(log.gseq, 3);
  });

  test(`${name}: an entry reads back whole: type, every field, the receive time`, async (t) => {
    const log = await engine.open(t);
    const e = message("m1", "dev", "hi 👋", { user: "zoë", kind: "me", received: 1_769_918_400_987 });
    await log.appendBatch([e]);
    const [stored] = log.read("dev", undefined, 1);
    assert.deepEqual({ ...stored!, body: stored!.body.toString("utf8") }, { ...e, body: "hi 👋", seq: 1, gseq: 1 });
  });

  test(`${name}: an account's message keeps its flag; a free name's has none`, async (t) => {
    const log = await engine.open(t);
    await log.appendBatch([message("a1", "dev", "mine", { user: "Kyle", account: true, kind: "me" }), message("f1", "dev", "free")]);
    const [mine, free] = log.read("dev", undefined, 2);
    assert.equal(mine!.account, true);
    assert.equal(mine!.kind, "me", "the flag does not disturb the kind");
    assert.equal("account" in free!, false);
    assert.deepEqual(log.read(ALL, 0, 1).map((e) => e.account), [true]);
  });

  test(`${name}: committed batches reach every listener once, in order, with their numbers`, async (t) => {
    const log = await engine.open(t);
    const seen: string[] = [];
    const other: CommittedBatch[] = [];
    const stop = log.onCommitted(({ entries, numbers }) => {
      seen.push(entries.map((e, i) => `${e.id}=${numbers[i]!.seq}/${numbers[i]!.gseq}`).join(" "));
    });
    log.onCommitted((b) => other.push(b));
    const first = log.appendBatch([message("a", "dev"), message("b", "dev")]);
    assert.deepEqual(seen, ["a=1/1 b=2/2"], "told no later than the append settles");
    await first;
    await log.appendBatch([message("c", "ops")]);
    stop();
    await log.appendBatch([message("d", "ops")]);
    assert.deepEqual(seen, ["a=1/1 b=2/2", "c=1/3"], "nothing after unsubscribing");
    assert.deepEqual(other.map((b) => b.entries.map((e) => e.id)), [["a", "b"], ["c"], ["d"]]);
  });

  test(`${name}: every field intact at the largest sizes allowed, across many entries`, async (t) => {
    const log = await engine.open(t);
    const id = (i: number) => `${i}-`.padEnd(ID_MAX_BYTES, "x");
    const user = "é".repeat(NAME_MAX_CHARS - 1) + "👋"; // multi-byte UTF-8 at the length limit
    const body = (i: number) => `${i} `.padEnd(BODY_MAX_BYTES - 4, "b") + "🎉";
    const n = 600; // about 9.6 MiB of bodies: three of the memory engine's chunks
    for (let i = 1; i <= n; i += 100) {
      await log.appendBatch(Array.from({ length: 100 }, (_, k) => message(id(i + k), (i + k) % 2 ? "dev" : "ops", body(i + k), { user })));
    }
    const all = log.read(ALL, 0, 1000);
    assert.equal(all.length, n);
    for (const [i, e] of all.entries()) {
      assert.equal(e.id, id(i + 1));
      assert.equal(e.user, user);
      assert.equal(e.body.toString("utf8"), body(i + 1));
      assert.equal(e.body.length, BODY_MAX_BYTES);
    }
    assert.deepEqual(log.lookup(id(599)), { seq: 300, gseq: 599 });
  });

  const reopen = engine.reopen;
  if (reopen) {
    test(`${name}: reopened, the same epoch, entries and numbering, and retried ids are recognised`, async (t) => {
      const first = await engine.open(t);
      await log5(first);
      const epoch = first.epoch;
      await first.close();
      const second = await reopen(t, first);
      assert.equal(second.epoch, epoch);
      assert.equal(second.gseq, 5);
      assert.equal(second.head("dev"), 3);
      assert.deepEqual(second.lookup("p4"), { seq: 2, gseq: 4 });
      assert.deepEqual(await second.appendBatch([message("p6", "dev")]), [{ seq: 4, gseq: 6 }]);
      assert.deepEqual(bodies(second.read("dev", undefined, 20)), ["p1", "p3", "p5", "p6"]);
    });
  }
}

async function log5(log: EventLog): Promise<void> {
  await log.appendBatch([1, 2, 3, 4, 5].map((i) => message(`p${i}`, i % 2 ? "dev" : "ops")));
}
