import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runToExit, startServer } from "../shared/testing/processes.js";
import { runInTerminal } from "../shared/testing/pty.js";

// /register in a real pseudo-terminal: the password is asked twice and never shown.

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const SECRET = "s3cret-never-shown";

test("/register asks the password twice without echo, keeps it out of the line history; free names get a ~", async (t) => {
  const server = await startServer(t, SERVER);
  const home = mkdtempSync(join(tmpdir(), "mchat-config-"));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const args = (name: string) => ["127.0.0.1", server.postPort, server.pubPort, "dev", name, "--history", "0"];
  const kyle = runInTerminal(t, CLIENT, args("kyle"), { columns: 70, rows: 16, env: { XDG_CONFIG_HOME: home, NO_COLOR: "1" } });
  await kyle.until("the prompt", (vt) => vt.cursorRow === "[#dev]" && vt.screen.some((l) => l.startsWith("-!- connected to ")));

  kyle.type("/register\r");
  await kyle.until("the first password prompt", (vt) => vt.cursorRow === "new password for kyle:");
  kyle.type(`${SECRET}\r`);
  await kyle.until("the second password prompt", (vt) => vt.cursorRow === "new password for kyle again:");
  kyle.type(`${SECRET}\r`);
  await kyle.until("the answer", (vt) => vt.transcript.includes("registered kyle; you are logged in") && vt.cursorRow === "[#dev]");
  assert.ok(!kyle.raw().includes(SECRET), "the password never reached the screen");
  assert.ok(!kyle.vt.transcript.some((l) => l.includes("password for kyle")), "the prompts are gone once answered");

  // Up recalls /register, not the password.
  kyle.type("\x1b[A");
  await kyle.until("the recalled line", (vt) => vt.cursorRow === "[#dev] /register");
  kyle.type("\x15"); // Ctrl-U clears it

  // A free name's message is marked with ~ (the server has accounts); the account's own is not.
  assert.equal((await runToExit(t, CLIENT, args("eve"), "hello\n", { XDG_CONFIG_HOME: home })).code, 0);
  kyle.type("as kyle\r");
  await kyle.until("both messages", (vt) => vt.transcript.some((l) => / ~eve: hello$/.test(l)) && vt.transcript.some((l) => /^> \S+ kyle: as kyle$/.test(l)));
  kyle.type("\x04");
  assert.equal(await kyle.exit, 0);
});
