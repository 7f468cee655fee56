import { test } from "node:test";
import assert from "node:assert/strict";
import { deadServer, runToExit, startServer } from "../shared/testing/processes.js";
import { runInTerminal } from "../shared/testing/pty.js";

// The multi-channel client in a real pseudo-terminal: what a person sees while typing.

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const TIME = String.raw`\d{2}:\d{2}:\d{2}`;
/* Any SGR sequence: colour, bold, dim, inverse. */
const SGR = /\x1b\[[\d;]*m/;

test("a half-typed line survives an incoming message: printed above the prompt, text and cursor kept; Enter posts it once", async (t) => {
  const server = await startServer(t, SERVER);
  const amy = runInTerminal(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"], { columns: 60, rows: 16 });
  await amy.until("the prompt", (vt) => vt.cursorRow === "[#dev]" && vt.screen.some((l) => l.startsWith("-!- connected to ")));

  amy.type("half typed");
  await amy.until("the typed text", (vt) => vt.cursorRow === "[#dev] half typed");
  amy.type("\x1b[D\x1b[D\x1b[D"); // Left three times: the cursor sits before "ped"
  await amy.until("the cursor moved", (vt) => vt.cursor.x === "[#dev] half ty".length);

  const bob = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "bob", "--history", "0"], "hello amy\n");
  assert.equal(bob.code, 0);
  // The message is drawn, then the prompt below it, then the cursor is moved back into the text
  // (separate writes): wait for all three before looking.
  await amy.until("bob's message above the prompt, cursor back in place", (vt) =>
    vt.transcript.some((l) => /bob: hello amy$/.test(l)) && vt.cursorRow === "[#dev] half typed" &&
    vt.cursor.x === "[#dev] half ty".length);

  const screen = amy.vt.transcript;
  const incoming = screen.findIndex((l) => /bob: hello amy$/.test(l));
  // Mentioned by name: marked in the gutter, so it stands out even without colour; ~: a free name, not an account.
  assert.match(screen[incoming]!, new RegExp(`^! ${TIME} ~bob: hello amy$`));
  assert.equal(screen.at(-1), "[#dev] half typed", `the prompt is last and intact:\n${screen.join("\n")}`);
  assert.ok(incoming < screen.length - 1, "the message is above the prompt");
  assert.equal(screen.filter((l) => l.includes("half typ")).length, 1, `no leftover copy of the typed text:\n${screen.join("\n")}`);
  assert.deepEqual(amy.vt.cursor, { x: "[#dev] half ty".length, y: amy.vt.screen.lastIndexOf("[#dev] half typed") });
  assert.match(amy.raw(), /\x1b\[\d+mbob\x1b\[39m/, "names are coloured in a terminal");
  assert.equal(amy.vt.bells, 1, "a live message that mentions amy rings the bell once");

  // Typing goes on at the cursor; Enter posts the line, which comes back from the server marked as amy's own.
  amy.type("-");
  await amy.until("the edit", (vt) => vt.cursorRow === "[#dev] half ty-ped");
  amy.type("\r");
  await amy.until("amy's own message", (vt) => vt.transcript.some((l) => new RegExp(`^> ${TIME} ~amy: half ty-ped$`).test(l)));
  await amy.until("an empty prompt", (vt) => vt.cursorRow === "[#dev]");
  assert.equal(amy.vt.transcript.filter((l) => l.includes("half ty-ped")).length, 1, `the typed line is not echoed twice:\n${amy.vt.transcript.join("\n")}`);

  // Ctrl-D on the empty line: the prompt goes, a goodbye, exit 0.
  amy.type("\x04");
  assert.equal(await amy.exit, 0);
  assert.equal(amy.vt.transcript.at(-1), "bye");
  assert.ok(!amy.vt.transcript.some((l) => l.startsWith("[#dev]")), "no prompt left behind");
});

test("Ctrl-C leaves cleanly with text typed; with NO_COLOR the terminal gets no colour at all, and the prompt follows /join", async (t) => {
  const server = await startServer(t, SERVER);
  const cy = runInTerminal(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "cy", "--history", "0"], { columns: 50, rows: 10, env: { NO_COLOR: "1" } });
  await cy.until("the prompt", (vt) => vt.cursorRow === "[#dev]" && vt.screen.some((l) => l.startsWith("-!- connected to ")));
  cy.type("/join ops\r");
  await cy.until("the prompt of #ops", (vt) => vt.cursorRow === "[#ops]" && vt.screen.some((l) => l === "-!- now following #ops; your posts go there"));
  // Tab with several candidates: they show on a row above the prompt (readline would print them into the transcript
  // on the second Tab), and go at the next key.
  cy.type("/h\t");
  await cy.until("the candidates", (vt) => vt.cursorRow === "[#ops] /h" && vt.screen[vt.cursor.y - 1] === "/help  /history");
  cy.type("\t");
  cy.type("\x15");
  await cy.until("the candidates gone", (vt) => vt.cursorRow === "[#ops]" && !vt.screen.includes("/help  /history"));
  assert.ok(!cy.vt.transcript.some((l) => l.includes("/history")), `no candidates left in the transcript:\n${cy.vt.transcript.join("\n")}`);
  cy.type("/jo\t");
  await cy.until("the completed command", (vt) => vt.cursorRow === "[#ops] /join");
  cy.type("\x15not sent"); // Ctrl-U clears the line
  await cy.until("the typed text", (vt) => vt.cursorRow === "[#ops] not sent");
  cy.type("\x03");
  assert.equal(await cy.exit, 0);
  assert.equal(cy.vt.transcript.at(-1), "bye");
  assert.doesNotMatch(cy.raw(), SGR);
  // Ctrl-C posted nothing: the first message the server records is a later probe.
  await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "probe", "--history", "0"], "first?\n");
  const [first] = await server.lines(/^\[\w+ #\d+\]/, 1);
  assert.match(first!, /^\[dev #1\] probe: first\? /);
});

test("TERM=dumb gets plain lines even in a terminal; FORCE_COLOR colours piped names, --no-color wins over it", async (t) => {
  const server = await startServer(t, SERVER);
  const args = (name: string) => ["127.0.0.1", server.postPort, server.pubPort, "dev", name, "--history", "0"];
  const dee = runInTerminal(t, CLIENT, args("dee"), { columns: 60, rows: 10, env: { TERM: "dumb" } });
  await dee.until("the plain connected line", (vt) => vt.screen.some((l) => l.startsWith("connected to ")));
  dee.type("hi\r"); // the terminal itself echoes the typed line: no cursor movement from the client
  await dee.until("the message", (vt) => vt.screen.some((l) => new RegExp(`^dee: hi \\(${TIME}\\)$`).test(l)));
  dee.type("\x04");
  assert.equal(await dee.exit, 0);
  assert.doesNotMatch(dee.raw(), /\x1b/, "not one escape sequence");
  assert.ok(!dee.vt.transcript.some((l) => l.startsWith("[#dev]")), "no prompt");

  const forced = await runToExit(t, CLIENT, args("fay"), "/who\n", { FORCE_COLOR: "1" });
  assert.match(forced.out.join("\n"), /^ {2}\x1b\[\d+mfay\x1b\[39m {2}since /m);
  const off = await runToExit(t, CLIENT, [...args("gil"), "--no-color"], "/who\n", { FORCE_COLOR: "1" });
  assert.doesNotMatch(off.out.join("\n"), SGR);
});

const PROMPT_ROWS = (vt: { transcript: string[] }) => vt.transcript.filter((l) => l.startsWith("[#dev]")).length;

test("editing a line that wraps onto several rows, and narrowing the window, leave no stale copy of the prompt", async (t) => {
  const server = await startServer(t, SERVER);
  const amy = runInTerminal(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"], { columns: 30, rows: 14 });
  await amy.until("the prompt", (vt) => vt.cursorRow === "[#dev]" && vt.screen.some((l) => l.startsWith("-!- connected to ")));
  const text = "the quick brown fox jumps over the lazy dog again";
  amy.type(text); // one chunk, as a paste or fast typing arrives: readline writes it without counting the rows
  await amy.until("the typed text", (vt) => vt.transcript.slice(-2).join("") === `[#dev] ${text}`);

  amy.type("\x01"); // Ctrl-A: to the start, on the first row
  await amy.until("the cursor at the start", (vt) => vt.cursor.x === "[#dev] ".length && vt.cursorRow.startsWith("[#dev] the"));
  amy.type("X");
  await amy.until("the edit", (vt) => vt.transcript.slice(-2).join("") === `[#dev] X${text}`);
  assert.equal(PROMPT_ROWS(amy.vt), 1, `no stale rows of the old line:\n${amy.vt.transcript.join("\n")}`);

  // To the end, more text pasted onto a third row, then the window narrows: one prompt, the text whole, the cursor
  // at its end, and the lines above it untouched.
  amy.type("\x05");
  await amy.until("the cursor at the end", (vt) => vt.cursorRow.endsWith("again") && vt.cursor.x === vt.cursorRow.length);
  const more = " and again, and again";
  amy.type(more);
  await amy.until("the pasted text", (vt) => vt.transcript.slice(-3).join("") === `[#dev] X${text}${more}`);
  const before = amy.raw().length;
  await amy.resize(20, 14);
  await amy.until("the prompt drawn again at 20 columns", (vt) => amy.raw().length > before &&
    vt.transcript.slice(-4).join("") === `[#dev] X${text}${more}` && vt.cursorRow.endsWith("again"));
  assert.equal(PROMPT_ROWS(amy.vt), 1, `no stale prompt:\n${amy.vt.transcript.join("\n")}`);
  assert.ok(amy.vt.transcript.join("").includes("as amy in #dev; /help lists the commands"), `the lines above are intact:\n${amy.vt.transcript.join("\n")}`);
  // A message after the resize goes above the prompt: the screen is in order throughout.
  assert.equal((await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "bob", "--history", "0"], "hi\n")).code, 0);
  /* The prompt is redrawn in more than one write: wait for the last of it (the cursor back at the text's end), then check. */
  await amy.until("bob's message, and the prompt with the cursor at its end", (vt) => vt.transcript.some((l) => /bob: hi$/.test(l)) &&
    vt.transcript.slice(-4).join("") === `[#dev] X${text}${more}` &&
    vt.cursor.x === vt.cursorRow.length && vt.cursor.y === vt.screen.findLastIndex((l) => l !== ""));
  assert.equal(PROMPT_ROWS(amy.vt), 1, `one prompt:\n${amy.vt.transcript.join("\n")}`);
  amy.type("\x03");
  assert.equal(await amy.exit, 0);
});

test("a message that mentions you rings the bell once, live only; --no-bell keeps it quiet", async (t) => {
  const server = await startServer(t, SERVER);
  const args = (name: string, extra: string[] = []) => ["127.0.0.1", server.postPort, server.pubPort, "dev", name, ...extra];
  assert.equal((await runToExit(t, CLIENT, args("bob", ["--history", "0"]), "earlier, cy and dee\n")).code, 0);
  const cy = runInTerminal(t, CLIENT, args("cy"), { columns: 60, rows: 10 });
  const dee = runInTerminal(t, CLIENT, args("dee", ["--no-bell"]), { columns: 60, rows: 10 });
  for (const c of [cy, dee]) await c.until("the history and the prompt", (vt) => vt.screen.some((l) => l.includes("earlier, cy and dee")) && vt.cursorRow === "[#dev]");
  assert.equal((await runToExit(t, CLIENT, args("bob", ["--history", "0"]), "cy, dee: look (cy!)\nno mention here\n")).code, 0);
  for (const c of [cy, dee]) await c.until("the live messages", (vt) => vt.screen.some((l) => l.endsWith("no mention here")));
  assert.equal(cy.vt.bells, 1, "one ring for the one live message naming cy (twice), none for history");
  assert.equal(dee.vt.bells, 0, "--no-bell");
  assert.ok(!cy.raw().includes("\x07\x07"));
  for (const c of [cy, dee]) {
    c.type("\x04");
    assert.equal(await c.exit, 0);
  }
});

test("lines typed while the server is away show as pending until delivered, and are counted; Ctrl-D says what it waits for", async (t) => {
  const gone = await deadServer(t, SERVER);
  /* With history, lines the server records before this client's feed is back show as history: each once either way. */
  const args = ["127.0.0.1", gone.postPort, gone.pubPort, "dev", "amy", "--give-up", "120"];
  const amy = runInTerminal(t, CLIENT, args, { columns: 120, rows: 16 });
  await amy.until("the prompt", (vt) => vt.cursorRow === "[#dev]");
  amy.type("one\rtwo\r");
  await amy.until("the outage, and the lines pending above the prompt", (vt) =>
    vt.screen.some((l) => / is not answering; 2 messages are kept and will be sent when it is back$/.test(l)) &&
    vt.screen.slice(vt.cursor.y - 2, vt.cursor.y + 1).join("|") === "… amy: one|… amy: two|[#dev]");
  amy.type("/me waits\r");
  await amy.until("the third pending line", (vt) => vt.screen.slice(vt.cursor.y - 3, vt.cursor.y + 1).join("|") === "… amy: one|… amy: two|… * amy waits|[#dev]");
  assert.match(amy.raw(), /\x1b\[2m… amy: one/, "pending lines are dimmed");

  // The server comes back: each line arrives once, as amy's own message, and no pending copy stays.
  const server = await startServer(t, SERVER, [], [gone.postPort, gone.pubPort]);
  await amy.until("the lines delivered", (vt) => vt.transcript.some((l) => / \* ~?amy waits$/.test(l)) && !vt.transcript.some((l) => l.startsWith("…")));
  for (const body of ["amy: one", "amy: two", "amy waits"]) {
    assert.equal(amy.vt.transcript.filter((l) => l.endsWith(body)).length, 1, `${body} once:\n${amy.vt.transcript.join("\n")}`);
  }

  // Away again with a line typed, Ctrl-D: the wait is said, and Ctrl-C gives up.
  server.kill("SIGKILL");
  await server.exit;
  amy.type("three\r");
  await amy.until("the second outage", (vt) => vt.screen.some((l) => / is not answering; 1 message is kept and will be sent when it is back$/.test(l)) &&
    vt.screen[vt.cursor.y - 1] === "… amy: three");
  amy.type("\x04");
  await amy.until("the wait", (vt) => vt.screen.includes("-!- waiting up to 120 s for the server to take 1 message; Ctrl-C to give up"));
  amy.type("\x03");
  assert.equal(await amy.exit, 1);
  // The prompt is gone by then, so the terminal itself echoes the Ctrl-C as ^C.
  assert.match(amy.vt.transcript.at(-1)!, /^(\^C)?1 message was not delivered: stopped before the server acknowledged them$/);
});
