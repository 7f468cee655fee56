import { test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import type { ChatMessage } from "../../protocol/index.js";
import { changeLine, isChange, showChange } from "./edit-notices.js";
import { displayIdle } from "./idle.js";
import { createStyle } from "./style.js";

const entry: ChatMessage = { channel: "dev", kind: "edit", target: 12, epoch: "e1", seq: 14, gseq: 30, id: "x1", user: "kyle", time: "2026-01-31T22:00:00.000Z", body: "new text", account: true };

test("a live edit or deletion reads as a status line naming the message's number", () => {
  assert.equal(isChange(entry), true);
  assert.equal(isChange({ ...entry, kind: "say" }), false);
  assert.equal(changeLine(entry, false), "kyle edited #12: new text");
  assert.equal(changeLine({ ...entry, kind: "delete", body: "" }, false), "kyle deleted #12");
  assert.equal(changeLine(entry, true), "kyle edited #12 in #dev: new text");
});

test("piped, the change is a -!- line on stdout beside the messages; in a terminal a notice", () => {
  const out: string[] = [];
  const notices: string[] = [];
  const screen = (interactive: boolean) => ({ interactive, output: (lines: string[]) => out.push(...lines), notice: (text: string) => notices.push(text) });
  showChange(screen(false), entry, false, createStyle(false));
  showChange(screen(true), { ...entry, kind: "delete", body: "" }, false, createStyle(false));
  assert.deepEqual(out, ["-!- kyle edited #12: new text"]);
  assert.deepEqual(notices, ["kyle deleted #12"]);
});

test("idle time is short: seconds, minutes, hours and minutes, days and hours", () => {
  const now = DateTime.fromISO("2026-01-31T22:00:00.000Z");
  assert.equal(displayIdle("2026-01-31T21:59:15.000Z", now), "idle 45s");
  assert.equal(displayIdle("2026-01-31T21:55:00.000Z", now), "idle 5m");
  assert.equal(displayIdle("2026-01-31T19:55:00.000-00:00", now), "idle 2h 5m");
  assert.equal(displayIdle("2026-01-28T18:00:00.000Z", now), "idle 3d 4h");
  assert.equal(displayIdle("2026-01-31T22:00:02.000Z", now), "idle 0s", "a clock slightly ahead");
});
