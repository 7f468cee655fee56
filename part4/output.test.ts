import { test } from "node:test";
import assert from "node:assert/strict";
import { run, runToExit, startServer, TIME, type Proc } from "../shared/testing/processes.js";

/*
 * A piped client writes its stdout in batches (shared/client/ui/line-output.ts):
 * these check what a reader of the pipe sees: every line whole, none lost
 * or reordered at exit (end of input, Ctrl-C), and a reader that goes away
 * (`| head`) ends the client quietly.
 */
const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const numbered = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i}`).join("\n") + "\n";

/** Each of `who`'s lines, by number, and that they run 0, 1, 2, ... without a gap or a repeat. */
function assertRun(lines: string[], who: string, prefix = ""): number {
  const shown = lines.filter((l) => l.startsWith(`${prefix}${who}: `));
  shown.forEach((l, i) => assert.match(l, new RegExp(`^${prefix}${who}: line ${i} \\(${TIME}\\)$`), `line ${i} of ${who}`));
  return shown.length;
}

test("a client piping 1,500 lines prints every one of them, whole and in order, before it exits 0", async (t) => {
  const server = await startServer(t, SERVER, ["--rate", "0"]);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"], numbered(1500));
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.equal(r.out.length, 1500);
  assert.equal(assertRun(r.out, "amy"), 1500);
});

test("Ctrl-C while lines pour in: every line printed is whole, none missing before the last", async (t) => {
  const server = await startServer(t, SERVER, ["--rate", "0"]);
  const all = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "ALL", "watcher", "--history", "0"]);
  await all.line(/^connected to /, "err");
  const sender = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"]);
  sender.write(numbered(3000));
  sender.end();
  await all.lines(/^#dev amy: line /, 200);
  all.kill("SIGINT");
  assert.equal(await all.exit, 0, all.err.join("\n"));
  const shown = assertRun(all.out, "amy", "#dev ");
  assert.ok(shown >= 200, `${shown} lines`);
  assert.deepEqual(all.out.filter((l) => !l.startsWith("#dev amy: ")), [], "nothing but whole message lines on stdout");
  assert.ok(!all.err.some((l) => /Error|^\s+at /.test(l)), all.err.join("\n"));
});

/** Stops reading `p`'s stdout, as `| head` does once it has its lines: the client's next write gets EPIPE. */
function closeReader(p: Proc): void {
  p.child.stdout!.destroy();
}

test("a reader that goes away (| head) ends the client quietly: exit 0, no stack trace", async (t) => {
  const server = await startServer(t, SERVER, ["--rate", "0"]);
  const all = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "ALL", "watcher", "--history", "0"]);
  await all.line(/^connected to /, "err");
  const post = (from: number) => runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"], numbered(50, from));
  await post(0);
  await all.lines(/^#dev amy: line /, 3);
  closeReader(all);
  // More lines than a pipe holds, so that the watcher's writes meet the closed pipe.
  const sender = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"]);
  sender.write(numbered(3000, 50).replace(/line/g, "line".padEnd(40, "-")));
  sender.end();
  assert.equal(await all.exit, 0, all.err.join("\n"));
  assert.ok(!all.err.some((l) => /EPIPE|Error|^\s+at /.test(l)), all.err.join("\n"));
  assert.equal(await sender.exit, 0, sender.err.join("\n"));
});

test("part 2's pub_client with a reader that goes away exits quietly too", async (t) => {
  const server = await startServer(t, SERVER, ["--rate", "0"]);
  const sub = run(t, "part2/pub_client.js", ["127.0.0.1", server.pubPort]);
  await sub.line(/^listening to /, "err");
  const sender = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "amy", "--history", "0"]);
  sender.write(numbered(20));
  await sub.lines(/^amy: line /, 3);
  closeReader(sub);
  sender.write(numbered(3000, 20).replace(/line/g, "line".padEnd(40, "-")));
  sender.end();
  assert.equal(await sub.exit, 0, sub.err.join("\n"));
  assert.ok(!sub.err.some((l) => /EPIPE|Error|^\s+at /.test(l)), sub.err.join("\n"));
});
