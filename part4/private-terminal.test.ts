import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runToExit, startServer, type ServerProc } from "../shared/testing/processes.js";
import { runInTerminal } from "../shared/testing/pty.js";
import { CLIENT, SERVER } from "../shared/testing/chat.js";

// Private messages in a real pseudo-terminal: they arrive above the prompt without breaking what is typed; a query's prompt names whom you talk to.

const PASSWORD = "correct horse 1";

function account(t: TestContext): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "mchat-config-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { XDG_CONFIG_HOME: dir, MCHAT_PASSWORD: PASSWORD };
}

const args = (s: ServerProc, name: string) => ["127.0.0.1", s.postPort, s.pubPort, "dev", name, "--history", "0"];

test("a private message arriving while typing leaves the typed text and the prompt alone; /query shows its target in the prompt", async (t) => {
  const server = await startServer(t, SERVER);
  const kyleEnv = account(t);
  const zoeEnv = account(t);
  for (const [name, env] of [["kyle", kyleEnv], ["zoe", zoeEnv]] as const) {
    assert.deepEqual((await runToExit(t, CLIENT, args(server, name), "/register\n", env)).out, [`registered ${name}; you are logged in`]);
  }
  const zoe = runInTerminal(t, CLIENT, args(server, "zoe"), { columns: 100, rows: 16, env: { XDG_CONFIG_HOME: zoeEnv.XDG_CONFIG_HOME, NO_COLOR: "1" } });
  await zoe.until("the prompt, logged in", (vt) => vt.cursorRow === "[#dev]" && vt.screen.some((l) => l.startsWith("-!- connected to ")) && vt.screen.some((l) => /^-!- logged in as zoe .*\(saved login\)$/.test(l)));
  zoe.type("half typed");
  await zoe.until("the typed text", (vt) => vt.cursorRow === "[#dev] half typed");

  const kyle = run(t, CLIENT, args(server, "kyle"), kyleEnv);
  kyle.write("/msg zoe hi there\n");
  await zoe.until("the message above the prompt, typed text intact", (vt) =>
    vt.screen.some((l) => /^ {2}\d{2}:\d{2}:\d{2} <<<kyle->zoe: hi there>>>$/.test(l)) && vt.cursorRow === "[#dev] half typed");
  assert.equal(zoe.vt.cursor.x, "[#dev] half typed".length, "the cursor where it was");

  zoe.type("\x15/query kyle\r");
  await zoe.until("the query's prompt", (vt) => vt.cursorRow === "[kyle]" && vt.screen.some((l) => l === "-!- talking to kyle: what you type goes to kyle only; /query alone: back to #dev"));
  zoe.type("back at you\r");
  await kyle.line(/^<<<zoe->kyle: back at you>>>$/);
  await zoe.until("the own copy, marked", (vt) => vt.screen.some((l) => /^> \d{2}:\d{2}:\d{2} <<<zoe->kyle: back at you>>>$/.test(l)) && vt.screen.some((l) => /^-!- to kyle #2 at \d{2}:\d{2}:\d{2}$/.test(l)));
  zoe.type("/query\r");
  await zoe.until("the channel's prompt again", (vt) => vt.cursorRow === "[#dev]");
  zoe.type("\x04");
  assert.equal(await zoe.exit, 0);
  kyle.end();
  assert.equal(await kyle.exit, 0, kyle.err.join("\n"));
});
