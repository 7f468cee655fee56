/**
 * The event log's contract: one suite of node:test tests that every engine
 * must pass. A test file calls `logContract` with a way to open its engine
 * (and, for a durable engine, to reopen what it wrote).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { ALL, BODY_MAX_BYTES, ID_MAX_BYTES, NAME_MAX_CHARS } from "../protocol/limits.js";
import type { ChangeEntry, CommittedBatch, EventLog, MessageEntry } from "../server/log/event-log.js";

export interface Engine {
  /** Opens a new, empty log, closed after the test. */
  open(t: TestContext): Promise<EventLog>;
  /** For a durable engine: opens a second log on what `first` wrote (after `first` is closed). */
  reopen?(t: TestContext, first: EventLog): Promise<EventLog>;
  /**
   * For an engine whose entries come back from elsewhere (a stream) before
   * its listeners hear of them: they are told before the append settles but
   * not within the call, and grouped as they come back, not as appended.
   */
  remote?: true;
}

const TIME = "2026-01-31T22:00:00.000-06:00";

/** A message entry; `received` defaults to a fixed instant so that entries compare exactly. */
export const message = (id: string, channel: string, body = id, more: Partial<MessageEntry> = {}): MessageEntry => ({
  type: "message", id, channel, user: "amy", time: TIME, kind: "say", body: Buffer.from(body), received: 1_769_918_400_123, ...more,
});

/** An edit (with `body`) or a deletion (without) of message `target` of a channel, by account amy. */
export const change = (id: string, channel: string, target: number, body?: string, more: Partial<ChangeEntry> = {}): ChangeEntry => ({
  type: body === undefined ? "delete" : "edit", kind: body === undefined ? "delete" : "edit", id, channel, user: "amy", time: TIME,
  target, body: Buffer.from(body ?? ""), received: 1_769_918_400_123, account: true, ...more,
});

const bodies = (entries: { body: Buffer }[]) => entries.map((e) => e.body.toString("utf8"));
/** What a reader sees of each entry: seq, type, current body and marks. */
const seen = (entries: ReturnType<EventLog["read"]>) =>
  entries.map((e) => `${e.seq} ${e.type}${e.type === "message" ? "" : `:${e.target}`} ${e.body.toString("utf8")}${e.edited ? " (edited)" : ""}${e.deleted ? " (deleted)" : ""}`);

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
    if (engine.remote) await first;
    assert.deepEqual(seen.join(" "), "a=1/1 b=2/2", "told no later than the append settles");
    await first;
    await log.appendBatch([message("c", "ops")]);
    stop();
    await log.appendBatch([message("d", "ops")]);
    assert.deepEqual(seen.join(" "), "a=1/1 b=2/2 c=1/3", "nothing after unsubscribing");
    if (engine.remote) assert.deepEqual(other.flatMap((b) => b.entries.map((e) => e.id)), ["a", "b", "c", "d"]);
    else assert.deepEqual(other.map((b) => b.entries.map((e) => e.id)), [["a", "b"], ["c"], ["d"]]);
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

  test(`${name}: edits and deletions are numbered entries; a message reads back with its current text, a deleted one empty, its edits too`, async (t) => {
    const log = await engine.open(t);
    const mine = { user: "amy", account: true as const };
    await log.appendBatch([message("m1", "dev", "first", mine), message("m2", "dev", "second", mine), message("o1", "ops", "elsewhere", mine)]);
    assert.deepEqual(await log.appendBatch([change("e1", "dev", 1, "first, fixed"), change("e2", "dev", 1, "first, fixed again")]), [{ seq: 3, gseq: 4 }, { seq: 4, gseq: 5 }]);
    assert.deepEqual(seen(log.read("dev", undefined, 20)), ["1 message first, fixed again (edited)", "2 message second", "3 edit:1 first, fixed", "4 edit:1 first, fixed again"]);
    assert.equal(log.lastMessage("dev", "amy")?.seq, 2);
    assert.deepEqual(await log.appendBatch([change("d1", "dev", 2), message("m3", "dev", "third")]), [{ seq: 5, gseq: 6 }, { seq: 6, gseq: 7 }]);
    assert.equal(log.lastMessage("dev", "amy")?.seq, 1, "the newest of amy's account that is not deleted (m3 is a free name's)");
    await log.appendBatch([change("d2", "dev", 1)]);
    assert.deepEqual(seen(log.read("dev", undefined, 20)), [
      "1 message  (deleted)", "2 message  (deleted)", "3 edit:1  (deleted)", "4 edit:1  (deleted)", "5 delete:2 ", "6 message third", "7 delete:1 ",
    ]);
    assert.equal(log.lastMessage("dev", "amy"), undefined);
    assert.equal(log.lastMessage("nowhere", "amy"), undefined);
    const [d] = log.read(ALL, 7, 1);
    assert.deepEqual({ ...d!, body: d!.body.toString() }, { ...change("d2", "dev", 1), body: "", seq: 7, gseq: 8 });
    assert.deepEqual(log.lookup("e2"), { seq: 4, gseq: 5 }, "a retried edit is recognised like a post");
    for (const bad of [change("x1", "dev", 1, "again"), change("x2", "dev", 3), change("x3", "dev", 99), change("x4", "none", 1)]) {
      await assert.rejects(log.appendBatch([message("y", "ops"), bad]), /no such message/, `${bad.id}: a deleted message, an edit, nothing`);
    }
    await assert.rejects(log.appendBatch([change("z1", "ops", 1), change("z2", "ops", 1)]), /no such message/, "deleted twice in one batch");
    assert.deepEqual([log.gseq, log.head("dev"), log.head("ops")], [8, 7, 1], "a refused batch takes no numbers");
    assert.deepEqual(seen(log.read("ops", undefined, 5)), ["1 message elsewhere"]);
  });

  test(`${name}: since: entries received after an instant, oldest first, paged with after; receive times never go back`, async (t) => {
    const log = await engine.open(t);
    const at = (ms: number) => ({ received: 1_000_000 + ms });
    await log.appendBatch([message("a", "dev", "a", at(10)), message("b", "ops", "b", at(20)), message("c", "dev", "c", at(30))]);
    await log.appendBatch([message("d", "dev", "d", at(25)), message("e", "dev", "e", at(40))]);
    assert.equal(log.read("dev", 2, 1)[0]!.received, 1_000_030, "an earlier clock reading is stored as the previous entry's");
    assert.deepEqual(bodies(log.read("dev", undefined, 20, 1_000_010)), ["c", "d", "e"]);
    assert.deepEqual(bodies(log.read("dev", undefined, 2, 1_000_010)), ["c", "d"], "the oldest limit");
    assert.deepEqual(bodies(log.read("dev", 3, 2, 1_000_010)), ["e"], "paged on with after");
    assert.deepEqual(bodies(log.read("dev", undefined, 20, 1_000_000)), ["a", "c", "d", "e"]);
    assert.deepEqual(bodies(log.read("dev", undefined, 20, 1_000_040)), []);
    assert.deepEqual(bodies(log.read(ALL, undefined, 20, 1_000_015)), ["b", "c", "d", "e"]);
    assert.deepEqual(bodies(log.read(ALL, 3, 1, 1_000_015)), ["d"]);
    assert.deepEqual(bodies(log.read("nowhere", undefined, 20, 0)), []);
  });

  const reopen = engine.reopen;
  if (reopen) {
    test(`${name}: reopened, edits and deletions hold, and the log goes on from them`, async (t) => {
      const first = await engine.open(t);
      const mine = { user: "amy", account: true as const };
      await first.appendBatch([message("m1", "dev", "one", mine), message("m2", "dev", "two", mine), change("e1", "dev", 1, "one, edited"), change("d1", "dev", 2)]);
      await first.close();
      const second = await reopen(t, first);
      assert.deepEqual(seen(second.read("dev", undefined, 20)), ["1 message one, edited (edited)", "2 message  (deleted)", "3 edit:1 one, edited", "4 delete:2 "]);
      assert.equal(second.lastMessage("dev", "amy")?.seq, 1);
      await second.appendBatch([change("e2", "dev", 1, "one, again")]);
      assert.equal(second.read("dev", 0, 1)[0]!.body.toString(), "one, again");
      await assert.rejects(second.appendBatch([change("e3", "dev", 2, "back")]), /no such message/);
    });

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
