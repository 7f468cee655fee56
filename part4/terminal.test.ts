import { test } from "node:test";
import assert from "node:assert/strict";
import { runToExit, startServer } from "../shared/testing/processes.js";
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
