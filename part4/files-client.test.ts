/**
 * Files between users (issue 14) from the chat client's side, against a
 * real mc_server: what a person or a script sees. Piped clients log in
 * with --login (MCHAT_PASSWORD) as accounts registered over the raw
 * protocol; /send and /get run in the background while the chat goes on.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHUNK_BYTES, chunkCount, formatBytes } from "../shared/protocol/index.js";
import { PATIENCE_MS, run, runToExit, startServer, TIME, type ServerProc } from "../shared/testing/processes.js";
import { runInTerminal } from "../shared/testing/pty.js";
import { dealer } from "../shared/testing/raw-client.js";
import { account, PASSWORD } from "../shared/testing/private-client.js";
import { fileAnswer, fileDealer, indices, sha256 } from "../shared/testing/file-client.js";

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const MB = 1024 * 1024;
/** How far a size as printed (one decimal: "2.0 MB") may be below the bytes it stands for. */
const ROUNDING = 50_000;

/** A fresh directory, removed after the test. */
function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A test's world: a server, a home for the clients' files, accounts made over the raw protocol. */
async function world(t: TestContext, serverArgs: string[] = []) {
  const server = await startServer(t, SERVER, serverArgs);
  const home = tempDir(t, "mchat-files-");
  const d = dealer(t, server);
  const tokens = new Map<string, string>();
  const env = { XDG_CONFIG_HOME: join(home, "config"), MCHAT_PASSWORD: PASSWORD };
  return {
    server, home,
    /** Registers accounts (each logged in over the raw protocol too); their tokens. */
    register: async (...users: string[]) => {
      for (const u of users) tokens.set(u, await account(d, u));
    },
    token: (user: string) => tokens.get(user)!,
    /** A piped client of `user`, logged in, saving into `<home>/<user>-downloads`. */
    client: (user: string, extra: string[] = []) => run(t, CLIENT, clientArgs(server, user, home, extra), env),
    /** A piped client run to its end with `input`. */
    clientToExit: (user: string, input: string, extra: string[] = []) => runToExit(t, CLIENT, clientArgs(server, user, home, extra), input, env),
    downloads: (user: string) => join(home, `${user}-downloads`),
  };
}

const clientArgs = (s: ServerProc, user: string, home: string, extra: string[]) =>
  ["127.0.0.1", s.postPort, s.pubPort, "dev", user, "--history", "0", "--login", "--no-save-login", "--downloads", join(home, `${user}-downloads`), ...extra];

/** A file of `size` random bytes in `dir`; its path and bytes. */
function randomFile(dir: string, name: string, size: number): { path: string; data: Buffer } {
  const data = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, data };
}

const saved = (name: string, data: Buffer, path: string) => `saved ${name} (${formatBytes(data.length)}, sha256 ${sha256(data).slice(0, 8)}) to ${path}`;

/** Resolves once `check` holds, looking again whenever the process writes or every 20 ms; a bound against hangs. */
async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + PATIENCE_MS;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${PATIENCE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The lines of a part file's sidecar: its header and one per chunk on disk. */
function sidecarChunks(dir: string): number {
  if (!existsSync(dir)) return 0;
  const sidecar = readdirSync(dir).find((n) => n.endsWith(".mchat-part.chunks"));
  if (!sidecar) return 0;
  return readFileSync(join(dir, sidecar), "utf8").split("\n").length - 2;
}

test("a 10 MB file: /send, then /get saves it whole (its SHA-256 equal) in --downloads, created private", async (t) => {
  const w = await world(t);
  await w.register("kyle", "zoe");
  const { path, data } = randomFile(w.home, "big.bin", 10 * MB);
  const sent = await w.clientToExit("kyle", `/send zoe ${path}\n`);
  assert.equal(sent.code, 0, sent.err.join("\n"));
  assert.deepEqual(sent.out, ["sent big.bin (10.5 MB) to zoe as offer 1"]);

  const got = await w.clientToExit("zoe", "/get 1\n");
  assert.equal(got.code, 0, got.err.join("\n"));
  const into = join(w.downloads("zoe"), "big.bin");
  assert.ok(got.out.includes(saved("big.bin", data, into)), got.out.join("\n"));
  assert.equal(sha256(readFileSync(into)), sha256(data));
  assert.equal(statSync(w.downloads("zoe")).mode & 0o777, 0o700);
  assert.equal(statSync(into).mode & 0o111, 0);
  assert.deepEqual(readdirSync(w.downloads("zoe")), ["big.bin"]);
  // A second /get never overwrites: big (1).bin.
  const again = await w.clientToExit("zoe", "/get 1\n");
  assert.ok(again.out.includes(saved("big.bin", data, join(w.downloads("zoe"), "big (1).bin"))), again.out.join("\n"));
});

test("offers: to a user or a group a -!- line from the inbox (counted while away), to a #channel its message; each /get works", async (t) => {
  const w = await world(t);
  await w.register("kyle", "zoe");
  const [a, b, c] = ["a.bin", "b.bin", "c.bin"].map((n, i) => randomFile(w.home, n, 1000 + i));
  const label = (name: string, data: Buffer) => `${name} (${formatBytes(data.length)}, sha256 ${sha256(data).slice(0, 8)})`;
  // zoe is away: the offer waits in her inbox.
  const first = await w.clientToExit("kyle", `/send zoe ${a!.path}\n`);
  assert.deepEqual(first.out, ["sent a.bin (1.0 kB) to zoe as offer 1"]);
  const zoe = w.client("zoe");
  await zoe.line(/^1 file offer while you were away$/);
  await zoe.line(new RegExp(`^${esc(`-!- kyle sends ${label("a.bin", a!.data)} - /get 1`)}$`));

  // Live: to a group she is in, and to the channel she reads.
  const kyle = await w.clientToExit("kyle", `/group create ops zoe\n/send ops ${b!.path}\n/send #dev ${c!.path}\n`);
  assert.equal(kyle.code, 0, kyle.err.join("\n"));
  /* Both upload at once and a number is given when the server has a file whole: 2 and 3, in either order. */
  const numberOf = (line: RegExp) => Number(kyle.out.map((l) => line.exec(l)).find(Boolean)?.[1]);
  const [nb, nc] = [numberOf(/^sent b\.bin \(1\.0 kB\) to ops as offer (\d+)$/), numberOf(/^sent c\.bin \(1\.0 kB\) to #dev as offer (\d+)$/)];
  assert.deepEqual([nb, nc].sort(), [2, 3], kyle.out.join("\n"));
  assert.ok(!kyle.out.some((l) => l.includes("sends b.bin")), "the sender's own offer has its sent line only");
  await zoe.line(new RegExp(`^${esc(`-!- kyle sends ${label("b.bin", b!.data)} to ops - /get ${nb}`)}$`));
  await zoe.line(new RegExp(`^${esc(`* kyle sends ${label("c.bin", c!.data)} - /get ${nc}`)} \\(${TIME}\\)$`));
  zoe.write("/get 1\n/get 2\n/get 3\n");
  zoe.end();
  assert.equal(await zoe.exit, 0, zoe.err.join("\n"));
  for (const [name, f] of [["a.bin", a!], ["b.bin", b!], ["c.bin", c!]] as const) {
    assert.ok(zoe.out.includes(saved(name, f.data, join(w.downloads("zoe"), name))), zoe.out.join("\n"));
  }
});

test("a receiver killed mid-download resumes: /get again fetches only the rest, and the file is whole", async (t) => {
  const w = await world(t, ["--file-rate", "2MB"]);
  await w.register("kyle", "zoe");
  const { path, data } = randomFile(w.home, "big.bin", 4 * MB);
  assert.equal((await w.clientToExit("kyle", `/send zoe ${path}\n`)).code, 0);

  const first = w.client("zoe");
  first.write("/get 1\n");
  const dir = w.downloads("zoe");
  await until("8 chunks on disk", () => sidecarChunks(dir) >= 8);
  first.kill("SIGKILL");
  await first.exit;
  const had = sidecarChunks(dir);
  assert.ok(had < chunkCount(data.length), "killed mid-way");

  const again = await w.clientToExit("zoe", "/get 1\n");
  assert.equal(again.code, 0, again.err.join("\n"));
  const resumed = resumedAt(again.err, /^fetching big\.bin: resuming at ([\d.]+ [kM]?B) of 4\.2 MB$/);
  assert.ok(resumed >= had * CHUNK_BYTES - ROUNDING, `resumed at ${resumed} bytes with ${had} chunks on disk`);
  const into = join(dir, "big.bin");
  assert.ok(again.out.includes(saved("big.bin", data, into)), again.out.join("\n"));
  assert.equal(sha256(readFileSync(into)), sha256(data));
  assert.deepEqual(readdirSync(dir), ["big.bin"], "the part file and its record are gone");
});

test("a sender killed mid-upload resumes: /send again sends only what the server lacks", async (t) => {
  const w = await world(t, ["--file-rate", "2MB"]);
  await w.register("kyle", "zoe");
  const { path, data } = randomFile(w.home, "big.bin", 4 * MB);
  const total = chunkCount(data.length);
  const first = w.client("kyle");
  first.write(`/send zoe ${path}\n`);
  // What the server has, asked the way the client asks: the same file offered again by the same account says what is missing.
  const files = fileDealer(t, w.server);
  const missing = async () => indices((await fileAnswer(files, { op: "offer", token: w.token("kyle"), to: "zoe", name: "big.bin", size: data.length, sha256: sha256(data) })).missing).length;
  let left = total;
  while (left > total - 8) {
    left = await missing();
    if (left > total - 8) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  first.kill("SIGKILL");
  await first.exit;
  assert.ok(left > 0, "killed mid-way");

  const again = await w.clientToExit("kyle", `/send zoe ${path}\n`);
  assert.equal(again.code, 0, again.err.join("\n"));
  const resumed = resumedAt(again.err, /^sending big\.bin: resuming at ([\d.]+ [kM]?B) of 4\.2 MB$/);
  assert.ok(resumed >= (total - left) * CHUNK_BYTES - ROUNDING, `resumed at ${resumed} bytes with ${total - left} chunks at the server`);
  assert.deepEqual(again.out, ["sent big.bin (4.2 MB) to zoe as offer 1"]);
  const got = await w.clientToExit("zoe", "/get 1\n");
  assert.equal(sha256(readFileSync(join(w.downloads("zoe"), "big.bin"))), sha256(data), got.err.join("\n"));
});

test("dangerous names are saved inside the download directory, visible, never over an existing file", async (t) => {
  const w = await world(t);
  await w.register("kyle", "zoe");
  const sendDir = join(w.home, "send");
  rmSync(sendDir, { recursive: true, force: true });
  mkdirSync(sendDir, { recursive: true });
  const long = `${"é".repeat(125)}.txt`; // 254 bytes
  const names = [".bashrc", "...", "C:evil.txt", "notes.txt.", "-rf", long, "report.pdf"];
  const files = new Map(names.map((n) => [n, randomFile(sendDir, n, 1000 + names.indexOf(n)).data]));
  const sent = await w.clientToExit("kyle", names.map((n) => `/send zoe ${join(sendDir, n)}\n`).join(""));
  assert.equal(sent.code, 0, sent.err.join("\n"));
  // Sent at once, they finish in any order: each line names its offer.
  const offers = new Map(sent.out.map((l) => /^sent (.+) \([\d.]+ kB\) to zoe as offer (\d+)$/.exec(l)!).map((m) => [m[1]!, Number(m[2])]));
  assert.deepEqual([...offers.keys()].sort(), names.slice().sort());

  const dir = w.downloads("zoe");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "report.pdf"), "mine, not to be replaced");
  const got = await w.clientToExit("zoe", names.map((n) => `/get ${offers.get(n)}\n`).join(""));
  assert.equal(got.code, 0, got.err.join("\n"));
  const expected: Record<string, string> = {
    ".bashrc": "bashrc", "...": "file", "C:evil.txt": "evil.txt", "notes.txt.": "notes.txt", "-rf": "-rf", [long]: long, "report.pdf": "report (1).pdf",
  };
  for (const [name, safe] of Object.entries(expected)) {
    assert.ok(got.out.includes(saved(name, files.get(name)!, join(dir, safe))), `${name}:\n${got.out.join("\n")}`);
    assert.deepEqual(readFileSync(join(dir, safe)), files.get(name));
  }
  assert.equal(readFileSync(join(dir, "report.pdf"), "utf8"), "mine, not to be replaced");
  assert.deepEqual(readdirSync(dir).sort(), [...Object.values(expected), "report.pdf"].sort());
});

test("refusals: a non-recipient's /get, an unknown recipient, a file over --max-file-size, the quota; mistakes caught before asking", async (t) => {
  const w = await world(t, ["--max-file-size", "1MB", "--file-quota", "1.5MB"]);
  await w.register("kyle", "zoe", "amy");
  const a = randomFile(w.home, "a.bin", 1_000_000);
  const b = randomFile(w.home, "b.bin", 1_000_000);
  const big = randomFile(w.home, "big.bin", 1_000_001);
  const sent = await w.clientToExit("kyle", `/send zoe ${a.path}\n/send nobody ${a.path}\n/send zoe ${big.path}\n`);
  assert.equal(sent.code, 1);
  assert.deepEqual(sent.out, ["sent a.bin (1.0 MB) to zoe as offer 1"]);
  assert.deepEqual(said(sent.err).sort(), [
    "could not send a.bin to nobody: no account or group named nobody",
    "could not send big.bin to zoe: big.bin is 1.0 MB: this server takes files of at most 1.0 MB",
  ]);
  const quota = await w.clientToExit("kyle", `/send zoe ${b.path}\n`);
  assert.equal(quota.code, 1);
  assert.deepEqual(said(quota.err), ["could not send b.bin to zoe: b.bin (1.0 MB) would take your files past your quota of 1.5 MB (1.0 MB in use): wait for your offers to expire"]);

  const amy = await w.clientToExit("amy", "/get 1\n/get 99\n");
  assert.equal(amy.code, 1);
  assert.deepEqual(said(amy.err).sort(), ["could not get offer 1: no file offer 1", "could not get offer 99: no file offer 99"]);
  assert.ok(!existsSync(join(w.downloads("amy"), "a.bin")));

  const mistakes = await w.clientToExit("zoe", `/send zoe ${w.home}\n/send zoe ${join(w.home, "nope.bin")}\n/send\n/get x\n/send #ALL ${a.path}\n`);
  assert.equal(mistakes.code, 0, mistakes.err.join("\n"));
  assert.deepEqual(said(mistakes.err), [
    `${w.home} is a directory: /send sends one file`,
    `no such file: ${join(w.home, "nope.bin")}`,
    "usage: /send <user|group|#channel> <path>, e.g. /send zoe ~/report.pdf",
    "usage: /get <n> [dir], e.g. /get 7 (the number a file offer's line ends with)",
    mistakes.err.find((l) => l.startsWith("cannot send to #ALL: "))!,
  ]);
  const free = await runToExit(t, CLIENT, ["127.0.0.1", w.server.postPort, w.server.pubPort, "dev", "eve", "--history", "0"], `/send zoe ${a.path}\n/get 1\n/files\n`);
  assert.deepEqual(said(free.err), Array(3).fill("files are for accounts: /login (or /register) first"));
});

test("/files lists the offers one can download; chat lines come and go while a transfer runs", async (t) => {
  const w = await world(t, ["--file-rate", "1MB"]);
  await w.register("kyle", "zoe");
  const { path, data } = randomFile(w.home, "big.bin", 4 * MB);
  assert.equal((await w.clientToExit("kyle", `/send zoe ${path}\n`)).code, 0);
  const kyle = w.client("kyle");
  await kyle.line(/^(nobody else is in #dev|in #dev: )/, "err");
  const zoe = w.client("zoe");
  zoe.write("/files\n");
  await zoe.line(/^1 file offer \(\/get <n>\):$/);
  assert.match(zoe.out.at(-1)!, new RegExp(`^  1  big\\.bin \\(4\\.2 MB, sha256 ${sha256(data).slice(0, 8)}\\) from kyle, until \\d{4}-\\d{2}-\\d{2}$`));
  zoe.write("/get 1\n");
  const dir = w.downloads("zoe");
  await until("a chunk on disk", () => sidecarChunks(dir) >= 1);
  kyle.write("hello during the transfer\n");
  zoe.write("zoe types while fetching\n");
  await zoe.line(new RegExp(`^kyle: hello during the transfer \\(${TIME}\\)$`));
  await kyle.line(new RegExp(`^zoe: zoe types while fetching \\(${TIME}\\)$`));
  assert.ok(!zoe.out.some((l) => l.startsWith("saved ")), "both lines came while the file was still on its way");
  assert.ok(sidecarChunks(dir) < chunkCount(data.length));
  await zoe.line(/^saved big\.bin /);
  zoe.end();
  kyle.end();
  assert.equal(await zoe.exit, 0);
  assert.equal(sha256(readFileSync(join(dir, "big.bin"))), sha256(data));
});

test("in a terminal, a progress bar above the prompt while typed text stays; then the saved line", async (t) => {
  const w = await world(t, ["--file-rate", "1MB"]);
  await w.register("kyle", "zoe");
  const { path, data } = randomFile(w.home, "big.bin", 3 * MB);
  assert.equal((await w.clientToExit("kyle", `/send zoe ${path}\n`)).code, 0);
  const zoe = runInTerminal(t, CLIENT, clientArgs(w.server, "zoe", w.home, []), { columns: 100, rows: 20, env: { XDG_CONFIG_HOME: join(w.home, "config"), NO_COLOR: "1" } });
  await zoe.until("the password prompt", (vt) => vt.cursorRow === "password for zoe:");
  zoe.type(`${PASSWORD}\r`);
  await zoe.until("the prompt", (vt) => vt.cursorRow === "[#dev]" && vt.screen.some((l) => l.startsWith("-!- connected to ")));
  const kyle = w.client("kyle");
  await kyle.line(/^in #dev: zoe$/, "err");
  zoe.type("/get 1\r");
  zoe.type("half typed");
  const bar = /^↓ big\.bin from kyle {2}\[#*-+\] +\d+% {2}[\d.]+ (?:kB|MB)\/3\.1 MB {2}(?:…|[\d.]+ (?:kB|MB)\/s {2}\d+s left)$/;
  await zoe.until("the progress bar above the prompt", (vt) => vt.screen.some((l) => bar.test(l)) && vt.cursorRow === "[#dev] half typed");
  // A message arriving meanwhile goes above the bar; the bar stays right above the prompt, the typed text on it.
  kyle.write("hello zoe\n");
  await zoe.until("the message above the bar", (vt) => {
    const rows = vt.screen;
    const at = rows.findIndex((l) => bar.test(l));
    return at > 0 && rows.slice(0, at).some((l) => / kyle: hello zoe$/.test(l)) && rows[at + 1] === "[#dev] half typed" && vt.cursor.y === at + 1;
  });
  const into = join(w.downloads("zoe"), "big.bin");
  await zoe.until("the saved line, the bar gone", (vt) => vt.transcript.includes(saved("big.bin", data, into)) && !vt.screen.some((l) => bar.test(l)) && vt.cursorRow === "[#dev] half typed");
  zoe.type("\x15\x04");
  assert.equal(await zoe.exit, 0);
  kyle.end();
  assert.equal(await kyle.exit, 0);
});

/** `text` as a regular expression that matches it literally. */
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The bytes a "resuming at 4.2 MB of ..." line of `err` names (as formatBytes rounds them). */
function resumedAt(err: string[], pattern: RegExp): number {
  const m = err.map((l) => pattern.exec(l)).find(Boolean);
  assert.ok(m, `no line matching ${pattern}:\n${err.join("\n")}`);
  const [value, unit] = m[1]!.split(" ");
  return Number(value) * (unit === "MB" ? 1e6 : unit === "kB" ? 1e3 : 1);
}

/** stderr without the connection's and login's status lines. */
function said(err: string[]): string[] {
  return err.filter((l) => !/^(connected to |in #|nobody else is in |logged in as |waiting for the server|no heartbeat|the server's heartbeat)/.test(l));
}
