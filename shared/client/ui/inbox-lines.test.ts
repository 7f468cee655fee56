import { test } from "node:test";
import assert from "node:assert/strict";
import type { Alert, GroupNotice, InboxItem } from "../../protocol/index.js";
import { alertText, awayLine, conversationParts, groupNoticeText, showInboxItem } from "./inbox-lines.js";
import { plainLine } from "./format.js";
import { createStyle, styledLine } from "./style.js";

const TIME = "2026-01-31T22:00:00.000Z";

test("private and group messages read <<<from->to: body>>> in plain output, an action with * and the name", () => {
  const line = (from: string, to: string, body: string, group = false, kind: "say" | "me" = "say") =>
    plainLine(conversationParts({ type: "msg", from, to, ...(group ? { group: true as const } : {}), seq: 1, kind, time: TIME, body }));
  assert.equal(line("kyle", "zoe", "hi"), "<<<kyle->zoe: hi>>>");
  assert.equal(line("kyle", "ops", "hi"), "<<<kyle->ops: hi>>>");
  assert.equal(line("kyle", "ops", "hi", true), "<<<kyle->GROUP<ops>: hi>>>");
  assert.equal(line("kyle", "zoe", "waves", false, "me"), "<<<kyle->zoe: * kyle waves>>>");
  // A terminal keeps the marks and shows the time.
  const styled = styledLine(conversationParts({ type: "msg", from: "kyle", to: "zoe", seq: 1, kind: "say", time: TIME, body: "hi" }), { history: false, own: false, mentions: [] }, createStyle(false));
  assert.match(styled, /^ {2}(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2} <<<kyle->zoe: hi>>>$/);
});

test("alerts name the keyword or the followed author; group notices say who did what, 'you' for the reader", () => {
  const alert = (extra: Partial<Alert>): Alert => ({ type: "alert", channel: "dev", seq: 3, gseq: 9, from: "kyle", kind: "say", time: TIME, body: "Deploy at 10", ...extra });
  assert.equal(alertText(alert({ keyword: "deploy" })), 'alert "deploy": #dev kyle: Deploy at 10');
  assert.equal(alertText(alert({ author: "kyle" })), "alert kyle: #dev kyle: Deploy at 10");
  assert.equal(alertText(alert({ keyword: "deploy", kind: "me", body: "deploys" })), 'alert "deploy": #dev * kyle deploys');
  const notice = (event: GroupNotice["event"], user: string, by: string): string => groupNoticeText({ type: "group", group: "ops", event, user, by, time: TIME }, "zoe");
  assert.equal(notice("added", "zoe", "kyle"), "kyle added you to ops");
  assert.equal(notice("added", "dana", "kyle"), "kyle added dana to ops");
  assert.equal(notice("added", "dana", "zoe"), "you added dana to ops");
  assert.equal(notice("removed", "zoe", "kyle"), "kyle removed you from ops");
  assert.equal(notice("left", "kyle", "kyle"), "kyle left ops");
  assert.equal(notice("owner", "zoe", "kyle"), "you own ops now");
  assert.equal(notice("created", "kyle", "kyle"), "kyle created ops with you in it");
  assert.equal(notice("created", "zoe", "zoe"), "you created ops");
});

test("the away line counts what others sent, by kind, and is absent when they sent nothing", () => {
  const m = (n: number, from: string, group = false): InboxItem => ({ m: n, type: "msg", from, to: group ? "ops" : "zoe", ...(group ? { group: true as const } : {}), seq: n, kind: "say", time: TIME, body: "x" });
  const a: InboxItem = { m: 9, type: "alert", keyword: "deploy", channel: "dev", seq: 1, gseq: 1, from: "kyle", kind: "say", time: TIME, body: "deploy" };
  assert.equal(awayLine([m(1, "kyle"), m(2, "kyle"), m(3, "dana"), m(4, "zoe")], "zoe"), "3 private messages while you were away");
  assert.equal(awayLine([m(1, "kyle"), m(2, "kyle", true), a, { ...a, m: 10 }], "zoe"), "1 private message, 1 group message, 2 alerts while you were away");
  assert.equal(awayLine([m(1, "zoe")], "zoe"), undefined, "one's own copies are not news");
  assert.equal(awayLine([], "zoe"), undefined);
});

test("a file offer in the inbox is a -!- line on stdout when piped, and counts in the away line unless it is the reader's own", () => {
  const offer = (from: string, m: number): InboxItem => ({
    type: "file", m, offer: m, from, to: from === "zoe" ? "kyle" : "zoe", name: "report.pdf", size: 2_100_000, sha256: "3f2a9c1e" + "0".repeat(56), time: TIME, expires: TIME,
  });
  const out: string[] = [];
  const screen = { interactive: false, output: (lines: string[]) => out.push(...lines), message: () => {}, notice: () => {} };
  showInboxItem(screen, offer("kyle", 7), "zoe", createStyle(false));
  showInboxItem(screen, offer("zoe", 8), "zoe", createStyle(false));
  assert.deepEqual(out, ["-!- kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7", "-!- zoe sends report.pdf (2.1 MB, sha256 3f2a9c1e) to kyle - /get 8"]);
  assert.equal(awayLine([offer("kyle", 1), offer("dana", 2), offer("zoe", 3)], "zoe"), "2 file offers while you were away");
});
