import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../protocol/index.js";
import { channelLabel, lineParts, mentionSpans, messageFlags, plainLine } from "./format.js";
import { ALL } from "../../protocol/limits.js";

const m: ChatMessage = {
  channel: "dev", kind: "say", epoch: "e1", seq: 1, gseq: 1, id: "s-1", user: "dan", time: "2026-01-31T22:00:00.000Z", body: "hi kyle",
};

test("a plain line is the assignment's `username: message (time)`, with the channel where several are visible", () => {
  const time = lineParts(m, false).time;
  assert.match(time, /^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}$/);
  assert.equal(plainLine(lineParts(m, false)), `dan: hi kyle (${time})`);
  assert.equal(plainLine(lineParts(m, true)), `#dev dan: hi kyle (${time})`);
  assert.equal(plainLine(lineParts({ ...m, kind: "me", body: "waves" }, true)), `#dev * dan waves (${time})`);
  assert.equal(channelLabel("dev"), "#dev");
  assert.equal(channelLabel(ALL), "ALL");
});

test("a mention is the reader's name as a whole word, any case, with or without @", () => {
  assert.deepEqual(mentionSpans("hi kyle", "kyle"), [[3, 7]]);
  assert.deepEqual(mentionSpans("Kyle: @KYLE!", "kyle"), [[0, 4], [7, 11]]);
  assert.deepEqual(mentionSpans("kyleigh and skyler", "kyle"), []);
  assert.deepEqual(mentionSpans("kyle_2 kyle2", "kyle"), []);
  assert.deepEqual(mentionSpans("ça va zoë?", "Zoë"), [[6, 9]]);
  assert.deepEqual(mentionSpans("a.b axb", "a.b"), [[0, 3]], "regex characters in a name are literal");
  assert.deepEqual(mentionSpans("İstanbul kyle", "kyle"), [[9, 13]], "spans index the body itself");
});

test("own messages are not mentions; history is flagged", () => {
  assert.deepEqual(messageFlags(m, "kyle", false), { history: false, own: false, mentions: [[3, 7]] });
  assert.deepEqual(messageFlags({ ...m, user: "kyle" }, "kyle", true), { history: true, own: true, mentions: [] });
});

test("with numbers on, a line starts with the message's number in its channel; edited and deleted messages say so", () => {
  const time = lineParts(m, false).time;
  assert.equal(plainLine(lineParts({ ...m, seq: 12 }, false, true)), `#12 dan: hi kyle (${time})`);
  assert.equal(plainLine(lineParts({ ...m, seq: 12 }, true, true)), `#dev #12 dan: hi kyle (${time})`);
  assert.equal(plainLine(lineParts({ ...m, edited: true, body: "hi all" }, false)), `dan: hi all (edited) (${time})`);
  assert.equal(plainLine(lineParts({ ...m, deleted: true, body: "" }, false)), `dan: (deleted) (${time})`);
  assert.equal(plainLine(lineParts({ ...m, kind: "me", deleted: true, body: "" }, false, true)), `#1 * dan (deleted) (${time})`);
});
