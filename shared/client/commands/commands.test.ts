import { test } from "node:test";
import assert from "node:assert/strict";
import stringWidth from "string-width";
import { createStyle } from "../ui/style.js";
import { PARTS } from "../../parts.js";
import { complete } from "./complete.js";
import { helpLines } from "./help.js";
import { COMMANDS, commandsFor, handleLine, parseInput, unknownHint } from "./index.js";
import { parseTarget } from "./edits.js";
import type { CommandContext } from "./types.js";

const PART3 = commandsFor(PARTS[3]);
const PART4 = commandsFor(PARTS[4]);

test("a typed line is a post, an action or a command", () => {
  const cases: [string, ReturnType<typeof parseInput>][] = [
    ["hello", { type: "post", body: "hello" }],
    ["  spaced  ", { type: "post", body: "  spaced  " }],
    ["", { type: "empty" }],
    ["   ", { type: "empty" }],
    ["//slash", { type: "post", body: "/slash" }],
    ["//", { type: "post", body: "/" }],
    ["/me waves", { type: "me", body: "waves" }],
    ["/ME  waves  ", { type: "me", body: "waves" }],
    ["/me", { type: "command", name: "me", arg: "" }],
    ["/who", { type: "command", name: "who", arg: "" }],
    ["/History 5", { type: "command", name: "history", arg: "5" }],
    ["/join  #ops ", { type: "command", name: "join", arg: "#ops" }],
    ["/quit", { type: "command", name: "quit", arg: "" }],
    ["/frob x", { type: "unknown", name: "frob" }],
    ["/", { type: "unknown", name: "" }],
    ["/ hi", { type: "unknown", name: "" }],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseInput(line, PART4), expected, line);
});

test("part 3 has no /join or /leave: they get a hint that says why, never a post", () => {
  assert.deepEqual(parseInput("/join ops", PART3), { type: "unknown", name: "join" });
  assert.equal(unknownHint("join", PART3), "/join needs channels: this client has one channel (part 4's mc_client has /join and /leave)");
  assert.equal(unknownHint("LEAVE", PART3), "/leave needs channels: this client has one channel (part 4's mc_client has /join and /leave)");
  assert.equal(unknownHint("send", PART3), "files need part 4: this client's server has no file port (part 4's mc_client has /send, /get and /files)");
  assert.deepEqual(parseInput("/get 7", PART4), { type: "command", name: "get", arg: "7" });
  assert.equal(unknownHint("frob", PART4), "unknown command /frob; /help lists the commands (//frob posts it as text)");
  assert.equal(unknownHint("", PART4), "a line starting with / is a command; /help lists them (//text posts /text)");
});

test("/help lists every command once, one line each, descriptions in one column, //text included", () => {
  for (const available of [PART3, PART4]) {
    const lines = helpLines(available, "kyle");
    assert.equal(lines[0], "Commands:");
    const rows = lines.slice(1, -1);
    assert.deepEqual(rows.map((l) => /^ {2}(\/\/?\w*)/.exec(l)![1]), [...available.map((c) => `/${c.name}`), "//text"]);
    const columns = new Set(rows.map((l) => /^ {2}\S+(?: \S+)* +/.exec(l)![0].length));
    assert.equal(columns.size, 1, `descriptions start in one column:\n${lines.join("\n")}`);
    for (const l of lines) assert.ok(l.length <= 80, `fits 80 columns: ${l}`);
  }
  assert.equal(helpLines(PART4, "kyle").length, COMMANDS.length + 3);
  assert.ok(!helpLines(PART3, "kyle").some((l) => /\/join|\/leave/.test(l.split("  ").filter(Boolean)[0]!)));
  assert.equal(helpLines(PART3, "kyle").at(-1), "Tab completes commands and names; Up and Down recall earlier lines.");
  assert.deepEqual(helpLines(PART4, "kyle").slice(-2), [
    "  //text             post text that starts with /",
    "Tab completes commands, channels and names; Up and Down recall earlier lines.",
  ]);
});

test("Tab completes commands, then channels after /join and /leave, then names", () => {
  const known = { names: ["dana", "dan", "Eve", "otto"], channels: ["dev", "devops", "ops"], conversations: ["dana", "dan", "Eve", "otto", "ops-team"] };
  assert.deepEqual(complete("/jo", known, PART4), [["/join "], "/jo"]);
  assert.deepEqual(complete("/JO", known, PART4), [["/join "], "/JO"]);
  assert.deepEqual(complete("/h", known, PART4), [["/help", "/history"], "/h"]);
  assert.deepEqual(complete("/jo", known, PART3), [[], "/jo"]);
  assert.deepEqual(complete("/join o", known, PART4), [["ops "], "o"]);
  assert.deepEqual(complete("/join #de", known, PART4), [["#dev", "#devops"], "#de"]);
  assert.deepEqual(complete("/leave dev", known, PART4), [["dev", "devops"], "dev"]);
  // A name at the start of a line is addressed to: "name: ".
  assert.deepEqual(complete("ot", known, PART4), [["otto: "], "ot"]);
  assert.deepEqual(complete("e", known, PART4), [["Eve: "], "e"]);
  assert.deepEqual(complete("hi ot", known, PART4), [["otto "], "ot"]);
  assert.deepEqual(complete("thanks @ot", known, PART4), [["@otto "], "@ot"]);
  assert.deepEqual(complete("/me pokes ot", known, PART4), [["otto "], "ot"]);
  assert.deepEqual(complete("da", known, PART4), [["dan", "dana"], "da"]);
  assert.deepEqual(complete("zz", known, PART4), [[], "zz"]);
  assert.deepEqual(complete("hi ", known, PART4), [[], ""]);
  // /msg and /query complete people and the reader's groups; /group its subcommands; the text after the target, names.
  assert.deepEqual(complete("/msg op", known, PART4), [["ops-team "], "op"]);
  assert.deepEqual(complete("/query d", known, PART3), [["dan", "dana"], "d"]);
  assert.deepEqual(complete("/group m", known, PART4), [["members "], "m"]);
  assert.deepEqual(complete("/group cr", known, PART4), [["create "], "cr"]);
  assert.deepEqual(complete("/group add ops-team ot", known, PART4), [["otto "], "ot"]);
  assert.deepEqual(complete("/msg otto hi da", known, PART4), [["dan", "dana"], "da"]);
});

test("dispatch runs the registry entry's own action: /help prints helpLines, a bare /me its usage, /quit ends the loop", async () => {
  const printed: string[] = [];
  const warned: string[] = [];
  const posted: string[] = [];
  const context = {
    user: "kyle",
    available: PART3,
    screen: { output: (lines: string[]) => printed.push(...lines), warning: (text: string) => warned.push(text) },
    post: (body: string, kind: string) => posted.push(`${kind} ${body}`),
  } as unknown as CommandContext;
  assert.equal(await handleLine(context, "/HELP"), true);
  assert.deepEqual(printed, helpLines(PART3, "kyle"));
  // The /me example names the person reading it.
  assert.ok(printed.some((l) => /^ {2}\/me <action> +post an action: \/me waves shows \* kyle waves$/.test(l)), printed.join("\n"));
  assert.equal(await handleLine(context, "/me"), true);
  assert.equal(await handleLine(context, "/me waves"), true);
  assert.equal(await handleLine(context, "/join ops"), true);
  assert.equal(await handleLine(context, "hi"), true);
  assert.deepEqual(warned, ["usage: /me <action>, e.g. /me waves", unknownHint("join", PART3)]);
  assert.deepEqual(posted, ["me waves", "say hi"]);
  assert.equal(await handleLine(context, "/quit"), false);
});

test("what Tab completes after a command comes from its entry; /help's Tab line lists it", () => {
  const known = { names: ["otto"], channels: ["ops"], conversations: ["otto", "oncall"] };
  for (const c of COMMANDS.filter((c) => c.completes === "channels")) assert.deepEqual(complete(`/${c.name} o`, known, PART4), [["ops "], "o"]);
  // Part 3 still completes /join's channel as it always has; Enter then gives the hint.
  assert.deepEqual(complete("/join o", known, PART3), [["ops "], "o"]);
  assert.deepEqual(complete("/who o", known, PART4), [["otto "], "o"]);
  assert.ok(helpLines(PART4, "kyle").at(-1)!.startsWith("Tab completes commands, channels and names"));
});

test("/who pads names by display width: the since column lines up with emoji and East Asian names", async () => {
  const printed: string[] = [];
  const users = ["kyle", "🦊fox", "李小龍", "zoë"].map((user) => ({ user, since: "2025-01-02T03:04:05.000Z", active: "2025-01-02T03:04:05.000Z" }));
  const context = {
    user: "kyle",
    current: "dev",
    available: PART4,
    known: { names: new Set<string>() },
    screen: { style: createStyle(false), output: (lines: string[]) => printed.push(...lines) },
    settled: async () => {},
    ask: async () => ({ users }),
  } as unknown as CommandContext;
  assert.equal(await handleLine(context, "/who"), true);
  assert.equal(printed[0], "4 people in #dev:");
  const rows = printed.slice(1);
  assert.equal(rows.length, 4);
  const columns = rows.map((row) => stringWidth(row.slice(0, row.indexOf("since"))));
  assert.deepEqual(columns, [columns[0], columns[0], columns[0], columns[0]], `one column:\n${rows.join("\n")}`);
  assert.equal(columns[0], "  ".length + stringWidth("李小龍") + "  ".length);
  const idle = rows.map((row) => stringWidth(row.slice(0, row.indexOf("idle "))));
  assert.deepEqual(idle, [idle[0], idle[0], idle[0], idle[0]], `idle in one column:\n${rows.join("\n")}`);
  assert.match(rows[0]!, /^ {2}kyle {4}since \w{3} \d+ \d{2}:\d{2} {2}idle \d+d \d+h \(you\)$/);
});

test("/edit and /delete take an optional #n; without a login they say so and ask nothing", async () => {
  assert.deepEqual(parseTarget("#12 hello again"), { seq: 12, rest: "hello again" });
  assert.deepEqual(parseTarget("hello again"), { rest: "hello again" });
  assert.deepEqual(parseTarget("12 apples"), { rest: "12 apples" }, "a bare number is text to /edit");
  assert.deepEqual(parseTarget("12", true), { seq: 12, rest: "" }, "and a number to /delete");
  assert.equal(parseTarget("#0 x"), undefined);
  assert.equal(parseTarget("#x y"), undefined);
  const warned: string[] = [];
  const asked: unknown[] = [];
  const context = {
    user: "kyle", current: "dev", available: PART4, account: { token: undefined },
    screen: { warning: (text: string) => warned.push(text) },
    settled: async () => {},
    ask: async (r: unknown) => asked.push(r),
  } as unknown as CommandContext;
  await handleLine(context, "/edit #3 better");
  await handleLine(context, "/delete");
  await handleLine(context, "/edit");
  await handleLine(context, "/delete #3 extra");
  assert.deepEqual(warned, [
    "only an account can edit its messages: /login (or /register) first",
    "only an account can delete its messages: /login (or /register) first",
    "usage: /edit [#n] <text>, e.g. /edit #12 hello again (without #n: your last message here)",
    "usage: /delete [#n], e.g. /delete #12 (without #n: your last message here)",
  ]);
  assert.deepEqual(asked, []);
});
