/**
 * CurveZMQ end to end: mc_keygen's key files, mc_server --curve, clients
 * with --server-key. Encrypted clients chat; plain ones, or ones holding the
 * wrong key, are refused by the handshake and say so instead of waiting.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { curveKeyPair } from "zeromq";
import { run, runToExit, startServer, TIME, type ServerProc } from "../shared/testing/processes.js";
import { assertPosted } from "../shared/testing/chat.js";

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const KEYGEN = "part4/mc_keygen.js";
const Z85 = String.raw`[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}`;

/** A fresh directory, removed when the test ends. */
function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-curve-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs mc_keygen into `dir`; returns the key files and the public key it printed. */
async function keygen(t: TestContext, dir: string): Promise<{ secretFile: string; publicFile: string; publicKey: string }> {
  const r = await runToExit(t, KEYGEN, [dir]);
  assert.equal(r.code, 0, r.err.join("\n"));
  const publicKey = new RegExp(`^public key: '(${Z85})'$`).exec(r.out[1] ?? "")?.[1];
  assert.ok(publicKey, r.out.join("\n"));
  return { secretFile: join(dir, "server.key"), publicFile: join(dir, "server.pub"), publicKey };
}

const clientArgs = (s: ServerProc, name: string, extra: string[]) => ["127.0.0.1", s.postPort, s.pubPort, "dev", name, "--history", "0", ...extra];
/** Either of the server's endpoints: a client's post and subscribe sockets both find out, whichever first. */
const eitherEndpoint = (s: ServerProc) => `tcp://127\\.0\\.0\\.1:(?:${s.postPort}|${s.pubPort})`;
/** The server's record lines, without their times. */
const recorded = (s: ServerProc) => s.out.filter((l) => l.startsWith("[")).map((l) => l.replace(/ \(.*\)$/, ""));

test("mc_keygen writes the key pair (the secret readable only by its owner) and never overwrites one", async (t) => {
  const dir = join(tempDir(t), "keys");
  const r = await runToExit(t, KEYGEN, [dir]);
  assert.equal(r.code, 0, r.err.join("\n"));
  const secretFile = join(dir, "server.key");
  const publicFile = join(dir, "server.pub");
  assert.equal(r.out[0], `wrote ${secretFile} (secret: for mc_server --curve) and ${publicFile} (for clients' --server-key)`);
  const publicKey = new RegExp(`^public key: '(${Z85})'$`).exec(r.out[1]!)?.[1];
  assert.ok(publicKey, r.out[1]);
  // Quoted for a shell (Z85 has ] ^ / < } #), with the .pub file as the easy way.
  assert.equal(r.out[2], `clients: --server-key ${publicFile} (the easy way), or --server-key '${publicKey}'`);
  const secret = readFileSync(secretFile, "utf8");
  assert.match(secret, new RegExp(`^public ${Z85}\nsecret ${Z85}\n$`));
  assert.ok(secret.startsWith(`public ${publicKey}\n`));
  assert.equal(readFileSync(publicFile, "utf8"), `public ${publicKey}\n`);
  assert.equal(statSync(secretFile).mode & 0o777, 0o600);

  const again = await runToExit(t, KEYGEN, [dir]);
  assert.equal(again.code, 1);
  assert.deepEqual(again.err, [`${dir} already holds a server key; remove server.key and server.pub first, or choose another directory`]);
  assert.equal(readFileSync(secretFile, "utf8"), secret, "the old key is untouched");

  // The secret file handed to a client is refused, not quietly used.
  const wrongFile = await runToExit(t, "part1/post_client.js", ["127.0.0.1", "7777", "kyle", "hi", "--server-key", secretFile]);
  assert.equal(wrongFile.code, 2);
  assert.equal(wrongFile.err[0], `'${secretFile}' is the server's secret key file: give clients server.pub (the secret stays with the server)`);

  const usage = await runToExit(t, KEYGEN, []);
  assert.equal(usage.code, 2);
  assert.match(usage.err.join("\n"), /^Usage: node part4\/mc_keygen\.js <dir>$/m);
});

test("with --curve, clients holding the server's public key (file or text) chat as usual; plain clients can neither post nor subscribe", async (t) => {
  const keys = await keygen(t, tempDir(t));
  const server = await startServer(t, SERVER, ["--curve", keys.secretFile]);
  assert.ok(server.out[0]!.includes(`, CURVE on (public key ${keys.publicKey}) `), server.out[0]);
  const needsKey = (endpoint: string) =>
    `the server at ${endpoint} only accepts encrypted (CURVE) connections: give its public key with --server-key`;

  // Plain clients: each is refused by the handshake and says why.
  const post = await runToExit(t, "part1/post_client.js", ["127.0.0.1", server.postPort, "eve", "let me in"]);
  assert.equal(post.code, 1);
  assert.deepEqual(post.err, [needsKey(server.post)]);
  const sub = run(t, "part2/pub_client.js", ["127.0.0.1", server.pubPort]);
  assert.equal(await sub.exit, 1);
  assert.equal(sub.err.at(-1), needsKey(server.pub!));
  assert.equal(sub.out.length, 0);
  const chat = await runToExit(t, CLIENT, clientArgs(server, "eve", []), "let me in\n");
  assert.equal(chat.code, 1);
  assert.match(chat.err.at(-1)!, new RegExp(`^the server at ${eitherEndpoint(server)} only accepts encrypted \\(CURVE\\) connections: give its public key with --server-key$`));

  // Encrypted clients: bob with the key file, alice with the key itself.
  const bob = run(t, CLIENT, clientArgs(server, "bob", ["--server-key", keys.publicFile]));
  await bob.line(/^connected to /, "err");
  const alice = await runToExit(t, CLIENT, clientArgs(server, "alice", ["--server-key", keys.publicKey]), "meet at noon\n");
  assert.equal(alice.code, 0, alice.err.join("\n"));
  await bob.line(new RegExp(`^alice: meet at noon \\(${TIME}\\)$`));
  bob.end();
  assert.equal(await bob.exit, 0);
  // The plain clients' lines were never recorded (the record is in order: alice's line comes after anything earlier).
  await server.line(/^\[dev #\d+\] alice: meet at noon \(/);
  assert.deepEqual(recorded(server), ["[dev #1] alice: meet at noon"]);
});

test("parts 1 and 2's clients take --server-key too, the remedy their refusal names", async (t) => {
  const keys = await keygen(t, tempDir(t));
  const server = await startServer(t, SERVER, ["--curve", keys.secretFile]);
  const listener = run(t, "part2/pub_client.js", ["127.0.0.1", server.pubPort, "--server-key", keys.publicFile]);
  await listener.line(/^listening to /, "err");
  const post = await runToExit(t, "part1/post_client.js", ["127.0.0.1", server.postPort, "kyle", "sealed", "--server-key", keys.publicKey]);
  assert.equal(post.code, 0, post.err.join("\n"));
  assertPosted(post.out, 1);
  await listener.line(new RegExp(`^kyle: sealed \\(${TIME}\\)$`));
});

test("a public key that begins with '-' is taken as the key given after --server-key, not as flags", async (t) => {
  // About one key in 85 begins with "-" (Z85 has it); CI once drew one and the client read it as the flags -D -p -R.
  // And an h among the letters and digits that follow: yargs once read that as -h (help) though --server-key had taken it.
  let pair = curveKeyPair();
  while (!/^-[A-Za-z0-9]*h/.test(pair.publicKey)) pair = curveKeyPair();
  const secretFile = join(tempDir(t), "server.key");
  writeFileSync(secretFile, `public ${pair.publicKey}\nsecret ${pair.secretKey}\n`, { mode: 0o600 });
  const server = await startServer(t, SERVER, ["--curve", secretFile]);
  const amy = await runToExit(t, CLIENT, clientArgs(server, "amy", ["--server-key", pair.publicKey]), "dashes are fine\n");
  assert.equal(amy.code, 0, amy.err.join("\n"));
  await server.line(/^\[dev #1\] amy: dashes are fine \(/).catch((err: Error) => {
    throw new Error(`${err.message}\n--- amy's stdout:\n${amy.out.join("\n")}\n--- amy's stderr:\n${amy.err.join("\n")}`);
  });
});

test("a wrong --server-key, or one for a server without CURVE, gets a sentence and exit 1 instead of a silent wait", async (t) => {
  const right = await keygen(t, tempDir(t));
  const wrong = await keygen(t, tempDir(t));
  const curveServer = await startServer(t, SERVER, ["--curve", right.secretFile]);
  const r = await runToExit(t, CLIENT, clientArgs(curveServer, "eve", ["--server-key", wrong.publicFile]), "hello?\n");
  assert.equal(r.code, 1);
  assert.match(r.err.at(-1)!, new RegExp(`^the server at ${eitherEndpoint(curveServer)} refused the encryption handshake: --server-key is not its public key$`));

  const plainServer = await startServer(t, SERVER);
  const p = await runToExit(t, CLIENT, clientArgs(plainServer, "eve", ["--server-key", right.publicKey]), "hello?\n");
  assert.equal(p.code, 1);
  assert.match(p.err.at(-1)!, new RegExp(`^the server at ${eitherEndpoint(plainServer)} does not use encryption: leave out --server-key$`));
  assert.deepEqual(recorded(curveServer), []);
  assert.deepEqual(recorded(plainServer), []);
});

test("unusable key arguments are usage errors: exit 2 with a sentence", async (t) => {
  const keys = await keygen(t, tempDir(t));
  const cases: [string, string[], string][] = [
    [CLIENT, ["127.0.0.1", "5555", "5556", "dev", "eve", "--server-key", "not-a-key"], "--server-key 'not-a-key' is neither a 40-character key nor a readable file"],
    [CLIENT, ["127.0.0.1", "5555", "5556", "dev", "eve", "--server-key", "-DpR"], "--server-key '-DpR' is neither a 40-character key nor a readable file"],
    [CLIENT, ["127.0.0.1", "5555", "5556", "dev", "eve", "--server-key"], "Not enough arguments following: server-key"],
    [CLIENT, ["127.0.0.1", "5555", "5556", "dev", "eve", "--server-key", keys.secretFile.replace("server.key", "nothing")], "is neither a 40-character key nor a readable file"],
    [SERVER, ["127.0.0.1", "0", "0", "--curve", keys.publicFile], `'${keys.publicFile}' is not a server key file (expected 'public <key>' and 'secret <key>' lines)`],
    [SERVER, ["127.0.0.1", "0", "0", "--curve", keys.secretFile.replace("server.key", "missing.key")], "cannot read the server key file"],
  ];
  for (const [script, args, sentence] of cases) {
    const r = await runToExit(t, script, args);
    assert.equal(r.code, 2, `${script} ${args.join(" ")}: ${r.err.join("\n")}`);
    assert.ok(r.err[0]!.includes(sentence), r.err[0]);
    assert.match(r.err[1]!, /^Usage: /);
  }
});

test("every server takes --curve: part 3's chat and part 1's posts are encrypted end to end like mc_server's", async (t) => {
  const keys = await keygen(t, tempDir(t));
  const server = await startServer(t, "part3/interactive_server.js", ["--curve", keys.secretFile]);
  assert.ok(server.out[0]!.includes(`, CURVE on (public key ${keys.publicKey}) `), server.out[0]);
  const part3 = (name: string, extra: string[]) => ["127.0.0.1", server.postPort, server.pubPort, name, "--history", "0", ...extra];
  const bob = run(t, "part3/interactive_client.js", part3("bob", ["--server-key", keys.publicFile]));
  // Once connected, the connect line says the connection is encrypted.
  await bob.line(/^connected to tcp:\/\/127\.0\.0\.1:\d+ \(encrypted\) as bob in #general$/, "err");
  const amy = await runToExit(t, "part3/interactive_client.js", part3("amy", ["--server-key", keys.publicKey]), "sealed\n");
  assert.equal(amy.code, 0, amy.err.join("\n"));
  await bob.line(new RegExp(`^amy: sealed \\(${TIME}\\)$`));
  const eve = await runToExit(t, "part3/interactive_client.js", part3("eve", []), "let me in\n");
  assert.equal(eve.code, 1);
  assert.match(eve.err.at(-1)!, new RegExp(`^the server at ${eitherEndpoint(server)} only accepts encrypted \\(CURVE\\) connections: give its public key with --server-key$`));

  const posts = await startServer(t, "part1/post_server.js", ["--curve", keys.secretFile]);
  const post = await runToExit(t, "part1/post_client.js", ["127.0.0.1", posts.postPort, "kyle", "sealed", "--server-key", keys.publicFile]);
  assert.equal(post.code, 0, post.err.join("\n"));
  assertPosted(post.out, 1);
});
