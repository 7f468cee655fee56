import { test } from "node:test";
import assert from "node:assert/strict";
import { stripVTControlCharacters as strip } from "node:util";
import stringWidth from "string-width";
import type { LineParts } from "./format.js";
import { createStyle, nameColorIndex, pipedLine, styledLine, useColor } from "./style.js";

const ESC = "\x1b[";
const parts: LineParts = { user: "dan", body: "hi kyle, ready?", time: "09:05:00", action: false };
const live = { history: false, own: false, mentions: [] };

test("colour follows the conventions: flag, then FORCE_COLOR, then NO_COLOR and TERM=dumb, then whether it is a terminal", () => {
  const cases: [boolean, NodeJS.ProcessEnv, boolean | undefined, boolean][] = [
    [true, {}, undefined, true],
    [false, {}, undefined, false], // piped: none
    [true, { NO_COLOR: "1" }, undefined, false],
    [true, { NO_COLOR: "" }, undefined, true], // no-color.org: set and not empty
    [true, { TERM: "dumb" }, undefined, false],
    [true, {}, false, false], // --no-color
    [false, {}, true, true], // --color
    [true, { FORCE_COLOR: "1" }, false, false], // the flag wins over the environment
    [false, { FORCE_COLOR: "1" }, undefined, true],
    [false, { FORCE_COLOR: "" }, undefined, true],
    [false, { FORCE_COLOR: "3", NO_COLOR: "1" }, undefined, true],
    [true, { FORCE_COLOR: "0" }, undefined, false],
    [true, { FORCE_COLOR: "false" }, undefined, false],
    [false, { TERM: "dumb", FORCE_COLOR: "1" }, undefined, true],
  ];
  for (const [isTTY, env, flag, expected] of cases) {
    assert.equal(useColor({ isTTY, env, flag }), expected, JSON.stringify({ isTTY, env, flag }));
  }
});

test("a name's colour is a pure function of the name, and names spread over the palette", () => {
  assert.equal(nameColorIndex("kyle"), nameColorIndex("kyle"));
  const style = createStyle(true);
  assert.equal(style.name("kyle"), style.name("kyle"));
  assert.match(style.name("kyle"), /^\x1b\[\d+mkyle\x1b\[39m$/);
  const names = ["amy", "bob", "carol", "dan", "eve", "fay", "gus", "hal", "ivy", "jo", "kim", "lee", "mo", "ned", "oz", "pat"];
  const used = new Set(names.map((n) => style.name(n).slice(0, 5)));
  assert.ok(used.size >= 6, `16 names got only ${used.size} colours`);
  // Unicode names hash by code point: stable and in range.
  for (const n of ["zoë", "مرحبا", "🎉party"]) assert.ok(nameColorIndex(n) >= 0 && nameColorIndex(n) < 12);
});

test("without colour a terminal line carries no escapes; own lines and mentions are marked in the gutter", () => {
  const style = createStyle(false);
  assert.equal(styledLine(parts, live, style), "  09:05:00 dan: hi kyle, ready?");
  assert.equal(styledLine({ ...parts, user: "kyle" }, { ...live, own: true }, style), "> 09:05:00 kyle: hi kyle, ready?");
  assert.equal(styledLine(parts, { ...live, mentions: [[3, 7]] }, style), "! 09:05:00 dan: hi kyle, ready?");
  assert.equal(styledLine({ ...parts, action: true, body: "waves" }, live, style), "  09:05:00 * dan waves");
  assert.equal(styledLine({ ...parts, channel: "ops" }, live, style), "  09:05:00 #ops dan: hi kyle, ready?");
  assert.equal(styledLine(parts, { ...live, history: true }, style), "  09:05:00 dan: hi kyle, ready?");
  assert.equal(style.notice("dan joined #dev"), "-!- dan joined #dev");
  assert.equal(style.warning("not posted"), "-!- not posted");
});

test("with colour: the name in its colour, the mention highlighted, own name bold, history dimmed", () => {
  const style = createStyle(true);
  const name = style.name("dan");
  const line = styledLine(parts, { ...live, mentions: [[3, 7]] }, style);
  assert.equal(strip(line), "! 09:05:00 dan: hi kyle, ready?");
  assert.ok(line.includes(`${name}: hi `), "the name in its colour");
  assert.ok(line.includes(`${ESC}7m${ESC}1mkyle${ESC}22m${ESC}27m`), `the mention is bold and inverse: ${JSON.stringify(line)}`);
  const own = styledLine({ ...parts, user: "kyle" }, { ...live, own: true }, style);
  assert.ok(own.includes(`${ESC}1m${style.name("kyle")}${ESC}22m`), "own name bold");
  const old = styledLine(parts, { ...live, history: true }, style);
  assert.ok(old.startsWith(`${ESC}2m`) && old.endsWith(`${ESC}22m`), "history dimmed");
  assert.equal(strip(old), "  09:05:00 dan: hi kyle, ready?");
});

test("the further lines of a multi-line body start under its first, as wrapped rows do", () => {
  const line = styledLine({ ...parts, body: "line one\nline two" }, live, createStyle(false));
  assert.equal(line, "  09:05:00 dan: line one\n                line two");
});

test("a long message wraps under its text (a hanging indent), counting emoji and East Asian characters as two columns", () => {
  const body = "こんにちは世界、今日は 🎉🎉 party at the harbour with everyone who can make it 🚢";
  for (const style of [createStyle(false), createStyle(true)]) {
    const rows = styledLine({ ...parts, body }, { ...live, history: true }, style, 40).split("\n").map((row) => strip(row));
    assert.equal(rows[0]!.slice(0, 16), "  09:05:00 dan: ");
    assert.ok(rows.length >= 3, rows.join("\n"));
    for (const row of rows) assert.ok(stringWidth(row) <= 40, `fits 40 columns: ${JSON.stringify(row)} (${stringWidth(row)})`);
    for (const row of rows.slice(1)) assert.match(row, /^ {16}\S/, "continuation rows start under the text");
    assert.equal(rows.map((row, i) => (i === 0 ? row.slice(16) : row.slice(16))).join(" ").replace(/\s+/g, ""), body.replace(/\s+/g, ""));
  }
  // Too narrow for the text to hang beside the name: the whole line wraps under the time, still by display width.
  const narrow = styledLine({ ...parts, body: "一二三四五六七八九十" }, live, createStyle(false), 20).split("\n");
  assert.deepEqual(narrow, ["  09:05:00 dan: 一二", "  三四五六七八九十"]);
  // Spaces a message starts with are kept, and its wrapped rows keep that indentation.
  assert.equal(styledLine({ ...parts, body: "    indented code line that is long" }, live, createStyle(false), 40),
    "  09:05:00 dan:     indented code line\n                    that is long");
});

test("piped lines keep the assignment's form; only forced colour adds the name's colour", () => {
  assert.equal(pipedLine(parts, createStyle(false)), "dan: hi kyle, ready? (09:05:00)");
  const forced = pipedLine(parts, createStyle(true));
  assert.equal(forced, `${createStyle(true).name("dan")}: hi kyle, ready? (09:05:00)`);
  assert.equal(strip(forced), "dan: hi kyle, ready? (09:05:00)");
});
