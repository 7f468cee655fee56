/**
 * The inbox cursor without a socket: what each `inbox` request asks for,
 * what of each answer is shown, and when the sender's own copies count as
 * shown.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { InboxAnswer, InboxItem } from "../protocol/index.js";
import { conversationKey, InboxCursor } from "./inbox-cursor.js";

const TIME = "2026-01-31T22:00:00.000Z";
const msg = (m: number, from: string, to: string, seq: number, group = false): InboxItem =>
  ({ m, type: "msg", from, to, ...(group ? { group: true } : {}), seq, kind: "say", time: TIME, body: `${from} ${seq}` }) as InboxItem;
const answer = (after: number, head: number, items: InboxItem[]): InboxAnswer => ({ after, head, items });

test("a run's first answers are gathered until head, handed over at once as what came while away; later ones as they come", () => {
  const c = new InboxCursor();
  assert.equal(c.after, undefined, "the first request omits after");
  assert.equal(c.take(answer(4, 7, [msg(5, "kyle", "zoe", 1), msg(6, "kyle", "zoe", 2)])), undefined, "head is past the last item: more to come");
  assert.equal(c.more, true);
  assert.equal(c.after, 6, "the next request asks after the last item");
  assert.equal(c.shown, 0, "nothing shown yet");
  const first = c.take(answer(6, 7, [msg(7, "kyle", "zoe", 3)]));
  assert.deepEqual(first?.items.map((i) => i.m), [5, 6, 7]);
  assert.equal(first?.away, true);
  assert.equal(c.more, false);
  assert.deepEqual([c.after, c.shown, c.acknowledged], [7, 7, 6]);

  assert.equal(c.take(answer(7, 7, [])), undefined, "a wait that ended empty shows nothing");
  assert.equal(c.acknowledged, 7);
  const next = c.take(answer(7, 8, [msg(8, "dana", "zoe", 1)]));
  assert.deepEqual([next?.items.map((i) => i.m), next?.away], [[8], false]);
});

test("an empty inbox at the start still hands over an (empty) first batch, and after follows the server's", () => {
  const c = new InboxCursor();
  assert.deepEqual(c.take(answer(12, 12, [])), { items: [], away: true });
  assert.deepEqual([c.after, c.acknowledged], [12, 12]);
});

test("a server whose inbox is behind what was asked (a restart without its store) is followed from its own numbering", () => {
  const c = new InboxCursor();
  c.take(answer(0, 2, [msg(1, "kyle", "zoe", 1), msg(2, "kyle", "zoe", 2)]));
  assert.equal(c.passed(conversationKey("zoe", false), 2), true);
  assert.equal(c.take(answer(0, 0, [])), undefined, "asked after 2, the server has nothing: it answers after 0");
  assert.deepEqual([c.after, c.more], [0, false], "the next poll asks from the server's 0, and waits");
  assert.equal(c.passed(conversationKey("zoe", false), 1), false, "the conversations' numbers start over too");
  const next = c.take(answer(0, 1, [msg(1, "kyle", "zoe", 1)]));
  assert.deepEqual(next?.items.map((i) => i.m), [1], "shown, although an m of that number was shown before the restart");
});

test("a conversation's messages count as shown once handed over, by recipient and group", () => {
  const c = new InboxCursor();
  assert.equal(c.take(answer(0, 3, [msg(1, "kyle", "Zoe", 4)])), undefined);
  assert.equal(c.passed(conversationKey("zoe", false), 4), false, "gathered is not shown");
  c.take(answer(1, 3, [msg(2, "kyle", "ops", 9, true), { m: 3, type: "group", group: "ops", event: "added", user: "zoe", by: "kyle", time: TIME }]));
  assert.equal(c.passed(conversationKey("zoe", false), 4), true, "names compare in any case");
  assert.equal(c.passed(conversationKey("zoe", false), 5), false);
  assert.equal(c.passed(conversationKey("ops", true), 9), true);
  assert.equal(c.passed(conversationKey("ops", false), 9), false, "a group and an account are different conversations");
});
