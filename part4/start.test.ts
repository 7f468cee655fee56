/**
 * `npm start`, run as a person runs it: npm itself as the child, on free
 * ports (--ports 0,0) and a temporary data folder, so that neither 5555/5556
 * nor the project's data/ are touched. Clients chat through it; a restart
 * finds the message in history; Ctrl-C, SIGTERM and a port in use end it
 * the way the servers do.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killGroup, run, runCommand, runToExit, type Proc } from "../shared/testing/processes.js";
import { CLIENT, messages } from "../shared/testing/chat.js";

const READY = /^multi-channel server listening: posts on tcp:\/\/127\.0\.0\.1:(\d+), publishing on tcp:\/\/127\.0\.0\.1:(\d+), files on tcp:\/\/127\.0\.0\.1:\d+, messages stored in (.*) \(Ctrl-C to stop\)$/;

interface Started extends Proc {
  postPort: string;
  pubPort: string;
  /** Where the readiness line says the messages are kept. */
  store: string;
}

/** `npm start -- ...args`, in a process group of its own, as a terminal would run it. */
function npmStart(t: TestContext, args: string[]): Proc {
  /* Under `npm test`, npm says where it is; run directly with node --test, the npm on PATH. */
  const npm = process.env.npm_execpath;
  const [command, first] = npm ? [process.execPath, [npm]] : ["npm", []];
  return runCommand(t, command, [...first, "start", "--", ...args], { label: "npm start", group: true });
}

/** npm start, once it has printed its readiness line and the client command. */
async function started(t: TestContext, args: string[]): Promise<Started> {
  const proc = npmStart(t, args);
  const [, postPort = "", pubPort = "", store = ""] = await proc.line(READY);
  await proc.line(/^to chat, in another terminal: /);
  return { ...proc, postPort, pubPort, store };
}

/**
 * npm's exit code (signal name when killed), and then all its output. The
 * code is taken when npm exits, not when its output ends: a server left
 * running behind npm would hold that output open, and the test must fail
 * on the code rather than hang.
 */
async function stopped(p: Proc): Promise<number | string> {
  const { child } = p;
  const code = child.exitCode ?? child.signalCode ?? await new Promise<number | string>((resolve) => child.once("exit", (c, s) => resolve(c ?? s ?? -1)));
  if (code === 0) await p.exit;
  return code;
}

/** Whether any process of npm's group is still running (a server left behind npm would be). */
function leftRunning(p: Proc): boolean {
  try {
    process.kill(-p.child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fresh temporary folder, removed after the test. */
function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-start-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The lines npm start itself prints on stderr (npm's own "npm error" lines left out, as they vary with npm's version). */
const ownErr = (p: Proc) => p.err.filter((l) => !/^npm (error|ERR!|notice|warn)/.test(l));

test("npm start: a client chats through it, and after a restart the message is in history", async (t) => {
  const data = join(tempDir(t), "not", "yet");
  const first = await started(t, ["--ports", "0,0", "--data", data]);
  assert.equal(first.store, join(data, "chat.db"), "the store is in the data folder, made with its parents");
  assert.ok(existsSync(join(data, "chat.db")));
  assert.ok(first.out.includes(`to chat, in another terminal: node part4/mc_client.js 127.0.0.1 ${first.postPort} ${first.pubPort} general yourname`));

  const kyle = await runToExit(t, CLIENT, ["127.0.0.1", first.postPort, first.pubPort, "general", "kyle", "--history", "0"], "hello through npm start\n");
  assert.equal(kyle.code, 0, kyle.err.join("\n"));
  await first.line(/^\[general #1\] kyle: hello through npm start /);
  first.kill("SIGTERM");
  assert.equal(await stopped(first), 0);
  assert.equal(leftRunning(first), false, "nothing left running");
  assert.equal(first.out.at(-1), "stopped after recording 1 messages");

  // The store is free again, so the server is gone, not left running behind npm.
  const second = await started(t, ["--ports", "0,0", "--data", data]);
  const dana = run(t, CLIENT, ["127.0.0.1", second.postPort, second.pubPort, "general", "dana", "--history", "5"]);
  await dana.line(/^kyle: hello through npm start \(/);
  dana.end();
  assert.equal(await dana.exit, 0, dana.err.join("\n"));
  assert.deepEqual(messages(dana), ["kyle: hello through npm start"], "the history on joining");
  second.kill("SIGTERM");
  assert.equal(await stopped(second), 0);
  assert.equal(leftRunning(second), false, "nothing left running");
  assert.equal(second.out.at(-1), "stopped after recording 1 messages");
});

test("npm start: Ctrl-C (SIGINT to npm and the server alike, and npm passing it on) stops it cleanly, exit 0", async (t) => {
  const server = await started(t, ["--ports", "0,0", "--data", tempDir(t)]);
  killGroup(server.child, "SIGINT");
  assert.equal(await stopped(server), 0);
  assert.equal(leftRunning(server), false, "nothing left running");
  assert.deepEqual(server.out.filter((l) => l.startsWith("stopped")), ["stopped after recording 0 messages"]);
  assert.deepEqual(ownErr(server), []);
});

test("npm start: a second one on the same ports, or the same data folder, refuses in one sentence, exit 1", async (t) => {
  const data = tempDir(t);
  const first = await started(t, ["--ports", "0,0", "--data", data]);

  const samePorts = npmStart(t, ["--ports", `${first.postPort},${first.pubPort}`, "--data", join(data, "other")]);
  assert.equal(await samePorts.exit, 1);
  assert.deepEqual(ownErr(samePorts), [`cannot listen on tcp://127.0.0.1:${first.postPort}: the port is already in use (is another server running?)`]);

  const sameData = npmStart(t, ["--ports", "0,0", "--data", data]);
  assert.equal(await sameData.exit, 1);
  assert.deepEqual(ownErr(sameData), [`cannot open the store '${join(data, "chat.db")}': another server is using it (stop that one, or give this one another file)`]);
});

test("npm start: a --store of one's own wins and no data folder is made; a bad --ports is a usage error, exit 2", async (t) => {
  const dir = tempDir(t);
  const server = await started(t, ["--ports", "0,0", "--data", join(dir, "data"), "--store", join(dir, "mine.db")]);
  assert.equal(server.store, join(dir, "mine.db"));
  assert.equal(existsSync(join(dir, "data")), false);
  server.kill("SIGTERM");
  assert.equal(await stopped(server), 0);
  assert.equal(leftRunning(server), false, "nothing left running");

  const bad = npmStart(t, ["--ports", "5555"]);
  assert.equal(await bad.exit, 2);
  assert.deepEqual(ownErr(bad), [
    "--ports takes the post port and the publish port, as in --ports 5555,5556",
    "Usage: npm start -- [--ports 5555,5556] [--data folder] [--store file.db] [--curve server.key]",
    "Run with --help for details.",
  ]);
});

test("npm start -- --curve: the option passes through, and the client command it prints, pasted into a shell, chats encrypted", async (t) => {
  const dir = tempDir(t);
  const keygen = await runToExit(t, "part4/mc_keygen.js", [join(dir, "keys")]);
  assert.equal(keygen.code, 0, keygen.err.join("\n"));
  const server = await started(t, ["--ports", "0,0", "--data", dir, "--curve", join(dir, "keys", "server.key")]);
  const ready = server.out.find((l) => READY.test(l))!;
  const publicKey = /, CURVE on \(public key (.{40})\) \(Ctrl-C to stop\)$/.exec(ready)?.[1];
  assert.ok(publicKey, ready);
  const command = `node part4/mc_client.js 127.0.0.1 ${server.postPort} ${server.pubPort} general yourname --server-key '${publicKey}'`;
  assert.ok(server.out.includes(`to chat, in another terminal: ${command}`), server.out.join("\n"));

  const client = runCommand(t, "sh", ["-c", `${command} --history 0`], { label: "the printed client command" });
  client.write("hello, encrypted\n");
  client.end();
  assert.equal(await client.exit, 0, client.err.join("\n"));
  await server.line(/^\[general #1\] yourname: hello, encrypted /);
  server.kill("SIGTERM");
  assert.equal(await stopped(server), 0);
});
