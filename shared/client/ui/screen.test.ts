import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough, Writable } from "node:stream";
import { setImmediate as turn } from "node:timers/promises";
import { Emulator } from "../../testing/emulator.js";
import type { LineParts } from "./format.js";
import { createScreen, type Screen } from "./screen.js";
import { createStyle } from "./style.js";
import { ALL } from "../../protocol/limits.js";

/** A keyboard and a display as readline sees a terminal, the display drawn by xterm.js. */
function fakeTerminal(columns: number, rows = 12) {
  const vt = new Emulator(columns, rows, { convertEol: true });
  const rawModes: boolean[] = [];
  const keyboard = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(on: boolean) {
      rawModes.push(on);
      return keyboard;
    },
  });
  const display = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        void vt.write(chunk.toString("utf8"));
        done();
      },
    }),
    { isTTY: true, columns, rows },
  );
  return { vt, keyboard, display, rawModes };
}

function start(columns: number, channel = "dev") {
  const t = fakeTerminal(columns);
  const errors = new PassThrough();
  const screen = createScreen({
    input: t.keyboard,
    output: t.display as unknown as NodeJS.WriteStream,
    errors,
    interactive: true,
    style: createStyle(false),
  });
  screen.setChannel(channel);
  const typed: string[] = [];
  const done = (async () => {
    for await (const line of screen.lines()) typed.push(line);
  })();
  /** Sends keys and lets readline handle them (all in memory: one turn of the event loop), then lets the terminal draw. */
  const keys = async (text: string) => {
    t.keyboard.write(text);
    await turn();
    await t.vt.drawn();
  };
  return { ...t, screen, typed, done, keys };
}

const message = (user: string, body: string): LineParts => ({ user, body, time: "12:00:00", action: false });
const live = { history: false, own: false, mentions: [] };
const LEFT = "\x1b[D";

test("an incoming line goes above the prompt; the half-typed text and the cursor stay where they were", async () => {
  const s = start(60);
  await s.keys("hello wor");
  await s.keys(LEFT + LEFT);
  assert.deepEqual(s.vt.cursor, { x: "[#dev] hello w".length, y: 0 });
  s.screen.message(message("dan", "hi all"), live);
  s.screen.notice("dan joined #dev");
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["  12:00:00 dan: hi all", "-!- dan joined #dev", "[#dev] hello wor"]);
  assert.deepEqual(s.vt.cursor, { x: "[#dev] hello w".length, y: 2 });
  // Typing goes on where the cursor was.
  await s.keys("l");
  assert.equal(s.vt.cursorRow, "[#dev] hello wlor");
  s.screen.close();
  await s.done;
});

test("a half-typed line that wraps onto several rows survives incoming lines whole, without leftovers", async () => {
  const s = start(20);
  // Typed as one paste, which readline echoes without redrawing: its row count goes stale.
  await s.keys("abcdefghijklmnopqrstuvwxyz0123");
  assert.deepEqual(s.vt.screen.slice(0, 3), ["[#dev] abcdefghijklm", "nopqrstuvwxyz0123", ""]);
  s.screen.message(message("dan", "one"), live);
  s.screen.message(message("eve", "two"), live);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["  12:00:00 dan: one", "  12:00:00 eve: two", "[#dev] abcdefghijklm", "nopqrstuvwxyz0123"]);
  assert.deepEqual(s.vt.cursor, { x: "nopqrstuvwxyz0123".length, y: 3 });
  s.screen.close();
  await s.done;
});

test("Enter hands the line over and takes readline's echo away: the message comes back from the server instead", async () => {
  const s = start(20);
  await s.keys("a line long enough to wrap");
  await s.keys("\r");
  assert.deepEqual(s.typed, ["a line long enough to wrap"]);
  assert.deepEqual(s.vt.transcript, ["[#dev]"]);
  assert.deepEqual(s.vt.cursor, { x: 7, y: 0 });
  s.screen.message({ ...message("kyle", "a line long enough to wrap") }, { ...live, own: true });
  await s.vt.drawn();
  // 20 columns leave too little room for the text to hang beside the name: it wraps at column 0, by words.
  assert.deepEqual(s.vt.transcript, ["> 12:00:00 kyle: a", "line long enough to", "wrap", "[#dev]"]);
  s.screen.close();
  await s.done;
});

test("the prompt shows the channel posts go to, and changes without disturbing the typed text", async () => {
  const s = start(60);
  await s.keys("draft");
  s.screen.setChannel("ops");
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["[#ops] draft"]);
  assert.deepEqual(s.vt.cursor, { x: 12, y: 0 });
  s.screen.setChannel(ALL);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["[ALL read-only] draft"]);
  s.screen.close();
  await s.done;
});

test("Ctrl-D on an empty line ends the input, takes the prompt away and leaves raw mode", async () => {
  const s = start(40);
  s.screen.notice("connected");
  await s.keys("\x04");
  await s.done;
  await s.screen.left;
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["-!- connected"]);
  assert.deepEqual(s.vt.cursor, { x: 0, y: 1 });
  assert.equal(s.rawModes.at(-1), false);
  // What arrives while the client shuts down is still shown, as plain lines.
  s.screen.notice("late");
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["-!- connected", "-!- late"]);
});

test("Ctrl-C leaves too, even with text typed; nothing typed is posted", async () => {
  const s = start(40);
  await s.keys("never mind");
  await s.keys("\x03");
  await s.done;
  await s.vt.drawn();
  assert.deepEqual(s.typed, []);
  assert.deepEqual(s.vt.transcript, []);
  assert.equal(s.rawModes.at(-1), false);
});

test("Ctrl-D with text typed deletes forward instead of leaving, as in a shell", async () => {
  const s = start(40);
  await s.keys("abc" + LEFT + "\x04");
  assert.equal(s.vt.cursorRow, "[#dev] ab");
  s.screen.close();
  await s.done;
});

test("command output goes above the prompt, one line each", async () => {
  const s = start(40);
  await s.keys("x");
  s.screen.output(["1 person in #dev:", "  kyle  since 12:00 (you)"]);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["1 person in #dev:", "  kyle  since 12:00 (you)", "[#dev] x"]);
  s.screen.close();
  await s.done;
});

test("without a terminal: plain lines, messages on stdout and notices on stderr, no prompt, no escapes", async () => {
  const input = new PassThrough();
  const out = new PassThrough();
  const errors = new PassThrough();
  const screen: Screen = createScreen({ input, output: out, errors, interactive: false, style: createStyle(false) });
  screen.setChannel("dev");
  screen.message({ ...message("dan", "hi"), channel: "ops" }, { ...live, own: true, mentions: [[0, 2]] });
  screen.message({ ...message("dan", "waves"), action: true }, live);
  screen.output(["1 person in #dev:"]);
  screen.notice("connected");
  screen.warning("not posted");
  input.end("one\n/who\n");
  const lines: string[] = [];
  for await (const line of screen.lines()) lines.push(line);
  assert.deepEqual(lines, ["one", "/who"]);
  assert.equal(out.read()?.toString(), "#ops dan: hi (12:00:00)\n* dan waves (12:00:00)\n1 person in #dev:\n");
  assert.equal(errors.read()?.toString(), "connected\nnot posted\n");
});

test("a long message wraps under its text, wide characters counted right by a real terminal; the prompt stays whole below it", async () => {
  const s = start(40);
  await s.keys("draft");
  s.screen.message(message("dan", "the ferry to 東京 leaves at noon 🚢 so pack light and bring your passport"), live);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, [
    "  12:00:00 dan: the ferry to 東京 leaves",
    "                at noon 🚢 so pack light",
    "                and bring your passport",
    "[#dev] draft",
  ]);
  s.screen.close();
  await s.done;
});

test("Tab's candidates show on a row above the prompt, not in the transcript, and go at the next key", async () => {
  const t = fakeTerminal(40);
  const screen = createScreen({
    input: t.keyboard, output: t.display as unknown as NodeJS.WriteStream, errors: new PassThrough(), interactive: true, style: createStyle(false),
    completer: (line) => [["/help", "/history"].filter((c) => c.startsWith(line)), line],
  });
  screen.setChannel("dev");
  const done = (async () => {
    for await (const _ of screen.lines());
  })();
  const keys = async (text: string) => {
    t.keyboard.write(text);
    await turn();
    await turn();
    await t.vt.drawn();
  };
  await keys("/h\t");
  assert.deepEqual(t.vt.transcript, ["/help  /history", "[#dev] /h"]);
  await keys("\t"); // a second Tab: readline would print its list into the transcript here
  screen.notice("dan joined #dev");
  await t.vt.drawn();
  assert.deepEqual(t.vt.transcript, ["-!- dan joined #dev", "/help  /history", "[#dev] /h"]);
  assert.deepEqual(t.vt.cursor, { x: "[#dev] /h".length, y: 2 });
  await keys("e");
  assert.deepEqual(t.vt.transcript, ["-!- dan joined #dev", "[#dev] /he"]);
  assert.deepEqual(t.vt.cursor, { x: "[#dev] /he".length, y: 1 });
  screen.close();
  await done;
});

test("lines not yet taken by the server show dimmed above the prompt, and go when they are delivered", async () => {
  const s = start(40);
  await s.keys("next");
  s.screen.pending([{ user: "kyle", body: "one", kind: "say" }, { user: "kyle", body: "waves", kind: "me" }]);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["… kyle: one", "… * kyle waves", "[#dev] next"]);
  s.screen.message(message("dan", "hi"), live);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["  12:00:00 dan: hi", "… kyle: one", "… * kyle waves", "[#dev] next"]);
  s.screen.pending([{ user: "kyle", body: "waves", kind: "me" }]);
  s.screen.message({ ...message("kyle", "one") }, { ...live, own: true });
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["  12:00:00 dan: hi", "> 12:00:00 kyle: one", "… * kyle waves", "[#dev] next"]);
  s.screen.pending([]);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["  12:00:00 dan: hi", "> 12:00:00 kyle: one", "[#dev] next"]);
  assert.deepEqual(s.vt.cursor, { x: "[#dev] next".length, y: 2 });
  s.screen.close();
  await s.done;
});

test("of many lines not yet taken, the newest show and a row counts the rest", async () => {
  const s = start(40);
  const line = (i: number) => ({ user: "kyle", body: `line ${i}`, kind: "say" as const });
  /* The outbox passes the newest few and the count of all (2,000 here). */
  s.screen.pending([1996, 1997, 1998, 1999, 2000].map(line), 2000);
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["… 1996 more not sent yet", "… kyle: line 1997", "… kyle: line 1998", "… kyle: line 1999", "… kyle: line 2000", "[#dev]"]);
  s.screen.pending([1, 2, 3, 4, 5].map(line));
  await s.vt.drawn();
  assert.deepEqual(s.vt.transcript, ["… kyle: line 1", "… kyle: line 2", "… kyle: line 3", "… kyle: line 4", "… kyle: line 5", "[#dev]"]);
  s.screen.close();
  await s.done;
});
