/**
 * The sequencer without sockets: messages, heartbeats and history answers
 * are handed to it in the order a test picks, and a fake server answers
 * its gap fills from a list, when the test says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import type { ChatMessage, Heartbeat, HistoryAnswer, HistoryQuery } from "../../protocol/index.js";
import { ALL } from "../../protocol/limits.js";
import { Sequencer, type SequencerNotice } from "./sequencer.js";

/** A message of a server run: seq within its channel, gseq overall. */
const msg = (channel: string, seq: number, gseq: number, epoch = "e1", id = `${epoch}-${gseq}`): ChatMessage =>
  ({ id, channel, user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say", body: `${channel} ${seq}`, epoch, seq, gseq });

const beat = (gseq: number, heads: Record<string, number>, epoch = "e1"): Heartbeat => ({ epoch, gseq, heads, time: "2026-01-31T22:00:00.000Z" });

/** What a server holding `stored` (newest number `head`) answers to `q`: the numbers asked for that it still has. */
function range(stored: ChatMessage[], q: HistoryQuery, head: number): HistoryAnswer {
  const n = (m: ChatMessage) => (q.channel === ALL ? m.gseq : m.seq);
  const mine = stored.filter((m) => q.channel === ALL || m.channel === q.channel);
  const after = q.after ?? Math.max(0, head - q.limit);
  return { epoch: "e1", head, messages: mine.filter((m) => n(m) > after && n(m) <= after + q.limit) };
}

/**
 * A sequencer over a fake server holding `stored`: each gap fill waits until
 * the test calls `answer()`, which answers every fill asked so far.
 */
function start(stored: ChatMessage[], head = (q: HistoryQuery) => Math.max(0, ...stored.filter((m) => q.channel === ALL || m.channel === q.channel).map((m) => (q.channel === ALL ? m.gseq : m.seq)))) {
  const shown: string[] = [];
  const ids: string[] = [];
  const notices: SequencerNotice[] = [];
  /** Messages and notices in the order they came. */
  const log: string[] = [];
  const asked: HistoryQuery[] = [];
  const pending: (() => void)[] = [];
  const seq = new Sequencer({
    onMessage: (m, history) => {
      shown.push(`${m.body}${history ? " (history)" : ""}`);
      ids.push(m.id);
      log.push(m.body);
    },
    onNotice: (n) => {
      notices.push(n);
      log.push(n.type);
    },
    fetch: (q) => {
      asked.push(q);
      return new Promise<HistoryAnswer>((resolve) => pending.push(() => resolve(range(stored, q, head(q)))));
    },
  });
  /** Answers the fills asked so far and lets everything that follows run. */
  const answer = async () => {
    for (const reply of pending.splice(0)) reply();
    for (let i = 0; i < 5; i++) await turn();
  };
  return { seq, shown, ids, notices, log, asked, answer };
}

/** Follows `channel` with `history` as its history answer. */
const follow = (seq: Sequencer, channel: string, history: HistoryAnswer) => seq.follow(channel, async () => history);
const none: HistoryAnswer = { epoch: "e1", head: 0, messages: [] };

test("a gap is held, filled from history, then the held messages follow: each once, in order", async () => {
  const dev = [1, 2, 3, 4, 5].map((n) => msg("dev", n, n));
  const s = start(dev);
  await follow(s.seq, "dev", none);
  s.seq.live(dev[0]!);
  s.seq.live(dev[3]!); // 2 and 3 were dropped on the way
  assert.deepEqual(s.shown, ["dev 1"]);
  assert.deepEqual(s.asked, [{ channel: "dev", after: 1, limit: 2 }]);
  s.seq.live(dev[4]!); // arrives while the fill is under way: held too
  await s.answer();
  assert.deepEqual(s.shown, ["dev 1", "dev 2", "dev 3", "dev 4", "dev 5"]);
  assert.deepEqual(s.notices, [{ type: "ready", channel: "dev", history: 0 }]);
});

test("a duplicate is dropped, live or already shown as history", async () => {
  const dev = [1, 2].map((n) => msg("dev", n, n));
  const s = start(dev);
  await follow(s.seq, "dev", { epoch: "e1", head: 1, messages: [dev[0]!] });
  s.seq.live(dev[0]!);
  s.seq.live(dev[1]!);
  s.seq.live(dev[1]!);
  assert.deepEqual(s.shown, ["dev 1 (history)", "dev 2"]);
  assert.deepEqual(s.asked, []);
});

test("history overlapping live messages held while it loaded: the covered ones dropped, the rest follow in order, after 'ready'", async () => {
  const dev = [1, 2, 3, 4, 5].map((n) => msg("dev", n, n));
  const s = start(dev);
  let answer: (a: HistoryAnswer) => void = () => {};
  const following = s.seq.follow("dev", () => new Promise((resolve) => (answer = resolve)));
  // Live 3, 5 and 4 arrive (out of order) before the history, which covers up to 3.
  s.seq.live(dev[2]!);
  s.seq.live(dev[4]!);
  s.seq.live(dev[3]!);
  assert.deepEqual(s.shown, []);
  answer({ epoch: "e1", head: 3, messages: dev.slice(0, 3) });
  await following;
  assert.deepEqual(s.shown, ["dev 1 (history)", "dev 2 (history)", "dev 3 (history)", "dev 4", "dev 5"]);
  assert.deepEqual(s.notices, [{ type: "ready", channel: "dev", history: 3 }]);
  assert.deepEqual(s.log, ["dev 1", "dev 2", "dev 3", "ready", "dev 4", "dev 5"], "history, its notice, then the live messages");
  assert.deepEqual(s.asked, []);
});

test("ALL is one stream by gseq across channels; a loss at the end of a burst is found from the heartbeat", async () => {
  const all = [msg("dev", 1, 1), msg("ops", 1, 2), msg("dev", 2, 3), msg("ops", 2, 4)];
  const s = start(all);
  await follow(s.seq, ALL, none);
  s.seq.live(all[0]!);
  s.seq.live(all[2]!); // gseq 2 (ops 1) is missing: no gap in dev's seq, one in ALL's gseq
  assert.deepEqual(s.asked, [{ channel: ALL, after: 1, limit: 1 }]);
  await s.answer();
  assert.deepEqual(s.shown, ["dev 1", "ops 1", "dev 2"]);
  s.seq.heartbeat(beat(4, { ops: 2 })); // gseq 4 never arrived live
  assert.deepEqual(s.asked.at(-1), { channel: ALL, after: 3, limit: 1 });
  await s.answer();
  assert.deepEqual(s.shown, ["dev 1", "ops 1", "dev 2", "ops 2"]);
});

test("a new epoch: numbering starts over, reported once, and a post retried into the new server is not shown twice", async () => {
  const s = start([]);
  await follow(s.seq, "dev", none);
  s.seq.live(msg("dev", 1, 1, "e1", "a"));
  s.seq.live(msg("dev", 2, 2, "e1", "b"));
  // The server restarted without a store; "b" lost its ack with it and was posted again.
  s.seq.heartbeat(beat(0, {}, "e2"));
  s.seq.live(msg("dev", 1, 1, "e2", "b"));
  s.seq.live(msg("dev", 2, 2, "e2", "c"));
  assert.deepEqual(s.ids, ["a", "b", "c"]);
  assert.deepEqual(s.notices.filter((n) => n.type === "restarted"), [{ type: "restarted" }]);
  assert.deepEqual(s.asked, []);
});

test("a range the server no longer has is reported as lost, and what follows is shown", async () => {
  // The server's history of dev starts at seq 4: 2 and 3 are gone.
  const dev = [4, 5].map((n) => msg("dev", n, n));
  const s = start(dev, () => 5);
  await follow(s.seq, "dev", { epoch: "e1", head: 1, messages: [] });
  s.seq.live(dev[0]!);
  assert.deepEqual(s.asked, [{ channel: "dev", after: 1, limit: 2 }]);
  await s.answer(); // nothing comes back for 2 and 3
  assert.deepEqual(s.notices.filter((n) => n.type === "lost"), [{ type: "lost", channel: "dev", count: 2 }]);
  s.seq.live(dev[1]!);
  assert.deepEqual(s.shown, ["dev 4", "dev 5"]);
});

/** An edit (body: the new text) or deletion (empty body) of message `target` of a channel, numbered like a message. */
const change = (kind: "edit" | "delete", channel: string, seq: number, gseq: number, target: number): ChatMessage =>
  ({ ...msg(channel, seq, gseq), kind, target, user: "amy", body: kind === "edit" ? `${channel} ${target} again` : "" });

test("edits and deletions take numbers like messages: in history they are passed on but not counted, and nothing is missing", async () => {
  const s = start([]);
  const history: HistoryAnswer = {
    epoch: "e1", head: 4,
    messages: [{ ...msg("dev", 1, 1), edited: true, body: "dev 1 again" }, { ...msg("dev", 2, 2), deleted: true, body: "" }, change("edit", "dev", 3, 3, 1), change("delete", "dev", 4, 4, 2)],
  };
  await follow(s.seq, "dev", history);
  assert.deepEqual(s.shown, ["dev 1 again (history)", " (history)", "dev 1 again (history)", " (history)"]);
  assert.deepEqual(s.notices, [{ type: "ready", channel: "dev", history: 2 }], "two messages of history, the changes not counted");
  s.seq.live(change("edit", "dev", 5, 5, 1));
  s.seq.live(msg("dev", 6, 6));
  s.seq.heartbeat(beat(6, { dev: 6 }));
  await s.answer();
  assert.deepEqual(s.shown.slice(4), ["dev 1 again", "dev 6"]);
  assert.deepEqual(s.asked, [], "no gap: the changes' numbers were accounted for");
});

test("a lost edit or deletion is a gap like a lost message: fetched, then shown live in order", async () => {
  const dev = [msg("dev", 1, 1), change("edit", "dev", 2, 2, 1), change("delete", "dev", 3, 3, 1), msg("dev", 4, 4)];
  const s = start(dev);
  await follow(s.seq, "dev", none);
  s.seq.live(dev[0]!);
  s.seq.live(dev[3]!); // the edit and the deletion were dropped on the way
  assert.deepEqual(s.asked, [{ channel: "dev", after: 1, limit: 2 }]);
  await s.answer();
  assert.deepEqual(s.log, ["ready", "dev 1", "dev 1 again", "", "dev 4"]);
  assert.deepEqual(s.shown, ["dev 1", "dev 1 again", "", "dev 4"], "the fill's entries are shown as live news, not history");
  // The last entry of a burst, a deletion, lost: the heartbeat's head finds it.
  const more = start([...dev, change("delete", "dev", 5, 5, 4)]);
  await follow(more.seq, "dev", { epoch: "e1", head: 4, messages: [] });
  more.seq.heartbeat(beat(5, { dev: 5 }));
  await more.answer();
  assert.deepEqual(more.asked, [{ channel: "dev", after: 4, limit: 1 }]);
  assert.deepEqual(more.shown, [""]);
  assert.deepEqual(more.notices, [{ type: "ready", channel: "dev", history: 0 }], "nothing reported lost");
});

test("in ALL, changes are ordered by gseq with the messages of every channel", async () => {
  const all = [msg("dev", 1, 1), msg("ops", 1, 2), change("edit", "ops", 2, 3, 1), change("delete", "dev", 2, 4, 1), msg("dev", 3, 5)];
  const s = start(all);
  await follow(s.seq, ALL, none);
  s.seq.live(all[0]!);
  s.seq.live(all[4]!);
  await s.answer();
  assert.deepEqual(s.asked, [{ channel: ALL, after: 1, limit: 3 }]);
  assert.deepEqual(s.shown, ["dev 1", "ops 1", "ops 1 again", "", "dev 3"]);
});
