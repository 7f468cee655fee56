/**
 * Files between accounts (issue 14, server side) against a real mc_server
 * process, over raw DEALER sockets on its file port: a 10 MB upload with a
 * window of puts, the offer in the recipients' inboxes and a byte-identical
 * download; resuming an upload cut short (and across a --store restart); a
 * corrupted chunk refused and accepted when resent; downloads refused to
 * non-recipients; the size and quota refusals; a channel offer as a channel
 * message; expiry deleting the bytes; chat answered while a transfer runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHUNK_BYTES, encodeFileRequest, RejectedError, type InboxItem } from "../shared/protocol/index.js";
import { startServer } from "../shared/testing/processes.js";
import { tempStore } from "../shared/testing/chat.js";
import { answer, ask, control, dealer } from "../shared/testing/raw-client.js";
import { account, inbox, sockets } from "../shared/testing/private-client.js";
import { asText, chunkOf, download, fileAnswer, fileAsk, fileDealer, sha256, upload } from "../shared/testing/file-client.js";

const SERVER = "part4/mc_server.js";
const MB = 1024 * 1024;

/** Asserts that `p` is refused with `code` and `sentence`. */
async function refused(p: Promise<unknown>, code: string, sentence: string | RegExp): Promise<void> {
  await assert.rejects(p, (err) => {
    assert.ok(err instanceof RejectedError, String(err));
    assert.equal(err.code, code);
    if (typeof sentence === "string") assert.equal(err.reason, sentence);
    else assert.match(err.reason, sentence);
    return true;
  });
}

const fileItems = (items: InboxItem[]) => items.filter((i) => i.type === "file");

test("a 10 MB file: uploaded with a window of puts, offered in both inboxes, downloaded byte for byte; the hello answer names the file port; --log names it, never its bytes", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mchat-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer(t, SERVER, ["--log", join(dir, "server.log")]);
  const kyle = sockets(t, server);
  const zoe = sockets(t, server);
  const kt = await account(kyle.req, "kyle");
  const zt = await account(zoe.req, "Zoe");
  const hello = answer(await control(kyle.req, "hello", { session: "s1", user: "kyle", channels: ["general"], token: kt }));
  assert.equal(String(hello.filePort), server.filePort);

  const data = randomBytes(10 * MB);
  const { offer, first } = await upload(fileDealer(t, server), kt, "zoe", "report.pdf", data);
  assert.deepEqual(first.missing, [[0, Math.ceil(data.length / CHUNK_BYTES) - 1]]);
  assert.equal(first.chunk, CHUNK_BYTES);
  assert.equal(offer, 1);

  const [item] = fileItems((await inbox(zoe.box, zt)).items);
  assert.ok(item?.type === "file");
  assert.deepEqual({ ...item, time: "", expires: "" }, {
    type: "file", m: 1, offer: 1, from: "kyle", to: "Zoe", name: "report.pdf", size: data.length, sha256: sha256(data), time: "", expires: "",
  });
  assert.ok(Date.parse(item.expires) - Date.parse(item.time) === 7 * 86_400_000, "a week by default");
  assert.deepEqual(fileItems((await inbox(kyle.box, kt)).items).map((i) => i.type === "file" && i.offer), [1], "the sender's copy");

  const got = await download(fileDealer(t, server), zt, 1);
  assert.equal(got.length, data.length);
  assert.ok(got.equals(data), "byte-identical");
  const listed = await fileAnswer(fileDealer(t, server), { op: "files", token: zt });
  assert.deepEqual(listed.files.map((f) => `${f.offer} ${f.from}->${f.to} ${f.name}`), ["1 kyle->Zoe report.pdf"]);

  server.kill("SIGTERM");
  await server.exit;
  const log = readFileSync(join(dir, "server.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const events = log.filter((l) => String(l.event).startsWith("file-")).map(({ level: _l, time: _t, msg: _m, ...rest }) => rest);
  assert.deepEqual(events, [
    { event: "file-offer", offer: 1, from: "kyle", to: "Zoe", name: "report.pdf", size: data.length, sha256: sha256(data) },
    { event: "file-download", offer: 1, from: "kyle", to: "Zoe", name: "report.pdf", size: data.length, sha256: sha256(data), user: "Zoe" },
  ]);
  assert.ok(!readFileSync(join(dir, "server.log")).includes(data.subarray(0, 16)), "no byte of the file in the log");
});

test("resume: half a file, the socket closed, the same offer again lists the other half; the same file to someone else is stored once and offered at once", async (t) => {
  const server = await startServer(t, SERVER);
  const kyle = sockets(t, server);
  const kt = await account(kyle.req, "kyle");
  await account(kyle.req, "zoe");
  await account(kyle.req, "amy");
  const data = randomBytes(20 * CHUNK_BYTES + 123);
  const half = (i: number) => i < 10;

  const cut = fileDealer(t, server);
  const first = await upload(cut, kt, "zoe", "big.bin", data, { only: half });
  assert.equal(first.offer, undefined);
  assert.deepEqual(first.first.missing, [[0, 20]]);
  cut.close();

  const again = await upload(fileDealer(t, server), kt, "zoe", "big.bin", data);
  assert.equal(again.first.upload, first.first.upload, "the same upload");
  assert.deepEqual(again.first.missing, [[10, 20]], "only what never arrived");
  assert.equal(again.offer, 1);

  const twice = await fileAnswer(fileDealer(t, server), { op: "offer", token: kt, to: "zoe", name: "big.bin", size: data.length, sha256: sha256(data) });
  assert.deepEqual([twice.missing, twice.offer], [[], 1], "offered again: the same offer, not a second one");
  const other = await fileAnswer(fileDealer(t, server), { op: "offer", token: kt, to: "amy", name: "copy.bin", size: data.length, sha256: sha256(data) });
  assert.deepEqual([other.missing, other.offer], [[], 2], "stored once by its SHA-256: no chunk needed");
});

test("a corrupted chunk is refused with bad-chunk and accepted when sent again; a short one too; a whole file that does not match its hash starts over", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kt = await account(d, "kyle");
  await account(d, "zoe");
  const files = fileDealer(t, server);
  const data = randomBytes(3 * CHUNK_BYTES);
  const offered = await fileAnswer(files, { op: "offer", token: kt, to: "zoe", name: "a.bin", size: data.length, sha256: sha256(data) });
  const good = chunkOf(data, 1);
  const bad = Buffer.from(good);
  bad[100] ^= 0xff;
  const put = (bytes: Buffer, sha = sha256(good)) => fileAsk(files, { op: "put", token: kt, upload: offered.upload, index: 1, sha256: sha, bytes });
  assert.deepEqual(asText(await put(bad)), ["err", "bad-chunk", "chunk 1 of a.bin does not match its sha256: send it again"]);
  assert.deepEqual(asText(await put(good.subarray(1), sha256(good.subarray(1)))), ["err", "bad-chunk", `chunk 1 of a.bin has ${CHUNK_BYTES} bytes, not ${CHUNK_BYTES - 1}: send it again`]);
  assert.deepEqual(asText(await put(good)), ["ok", JSON.stringify({ upload: offered.upload, index: 1 })]);
  const resumed = await fileAnswer(files, { op: "offer", token: kt, to: "zoe", name: "a.bin", size: data.length, sha256: sha256(data) });
  assert.deepEqual(resumed.missing, [[0, 0], [2, 2]]);

  /* Every chunk matches its own hash, but the file is not the one offered. */
  const lie = Buffer.concat([data.subarray(0, 2 * CHUNK_BYTES), randomBytes(CHUNK_BYTES)]);
  /* A hash that is neither a.bin's (already offered: that would resume it) nor the lie's: a.bin's with its first digit changed. */
  const claimed = (sha256(data).startsWith("0") ? "1" : "0") + sha256(data).slice(1);
  const liar = await fileAnswer(files, { op: "offer", token: kt, to: "zoe", name: "b.bin", size: lie.length, sha256: claimed });
  for (const index of [0, 1]) await fileAsk(files, { op: "put", token: kt, upload: liar.upload, index, sha256: sha256(chunkOf(lie, index)), bytes: chunkOf(lie, index) });
  const last = await fileAsk(files, { op: "put", token: kt, upload: liar.upload, index: 2, sha256: sha256(chunkOf(lie, 2)), bytes: chunkOf(lie, 2) });
  assert.equal(asText(last)[1], "bad-file");
  assert.equal(asText(last)[2], `b.bin does not match its sha256 ${claimed.slice(0, 8)} once put together: every chunk is needed again`);
  const over = await fileAnswer(files, { op: "offer", token: kt, to: "zoe", name: "b.bin", size: lie.length, sha256: claimed });
  assert.deepEqual(over.missing, [[0, 2]]);
});

test("only recipients download: a non-recipient, a made-up offer, no login and a stale one are refused alike; a group's members may, and a channel's readers", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const [kt, zt, et] = [await account(d, "kyle"), await account(d, "zoe"), await account(d, "eve")];
  const files = fileDealer(t, server);
  const data = randomBytes(1000);
  const { offer } = await upload(files, kt, "zoe", "secret.txt", data);
  assert.equal(offer, 1);
  await refused(fileAnswer(files, { op: "get", token: et, offer: 1 }), "not-found", "no file offer 1");
  await refused(fileAnswer(files, { op: "get", token: et, offer: 99 }), "not-found", "no file offer 99");
  assert.deepEqual(asText(await fileAsk(files, { op: "fetch", token: et, offer: 1, index: 0 })), ["err", "not-found", "no file offer 1"]);
  assert.deepEqual((await fileAnswer(files, { op: "files", token: et })).files, []);
  assert.deepEqual(asText(await fileAsk(files, { op: "fetch", offer: 1, index: 0 })), ["err", "auth-required", "files are for accounts: register and log in"]);
  assert.deepEqual(asText(await fileAsk(files, { op: "fetch", token: "0".repeat(64), offer: 1, index: 0 })), ["err", "auth-failed", "your login is unknown, expired or revoked: log in again"]);
  assert.ok((await download(files, zt, 1)).equals(data));
  assert.ok((await download(files, kt, 1)).equals(data), "the sender may");

  answer(await control(d, "group", { token: kt, action: "create", name: "ops", users: ["zoe"] }));
  const g = await upload(files, zt, "ops", "plan.txt", Buffer.from("the plan"));
  assert.equal((await download(files, kt, g.offer!)).toString(), "the plan");
  await refused(fileAnswer(files, { op: "get", token: et, offer: g.offer! }), "not-found", `no file offer ${g.offer}`);
  await refused(fileAnswer(files, { op: "offer", token: et, to: "ops", name: "x", size: 1, sha256: sha256("x") }), "not-found", "no account or group named ops");
  await refused(fileAnswer(files, { op: "offer", token: et, to: "nobody", name: "x", size: 1, sha256: sha256("x") }), "not-found", "no account or group named nobody");

  const c = await upload(files, kt, "#dev", "notes.txt", Buffer.from("public"));
  assert.equal((await download(files, et, c.offer!)).toString(), "public", "a channel's offer is for anyone logged in");
  assert.deepEqual((await fileAnswer(files, { op: "files", token: et })).files.map((f) => f.name), ["notes.txt"]);
});

test("limits: a file over --max-file-size and offers past --file-quota are refused with a sentence", async (t) => {
  const server = await startServer(t, SERVER, ["--max-file-size", "1MB", "--file-quota", "2.5MB"]);
  const d = dealer(t, server);
  const kt = await account(d, "kyle");
  await account(d, "zoe");
  const files = fileDealer(t, server);
  const offer = (name: string, size: number) => fileAnswer(files, { op: "offer", token: kt, to: "zoe", name, size, sha256: sha256(name) });
  await refused(offer("huge.iso", 1_000_001), "too-big", "huge.iso is 1.0 MB: this server takes files of at most 1.0 MB");
  await offer("one", 1_000_000);
  await offer("two", 1_000_000);
  await refused(offer("three", 600_000), "quota", "three (600 kB) would take your files past your quota of 2.5 MB (2.0 MB in use): wait for your offers to expire");
  const again = await offer("one", 1_000_000);
  assert.deepEqual(again.missing, [[0, Math.ceil(1_000_000 / CHUNK_BYTES) - 1]], "an upload in progress resumes: not counted twice");
});

test("a file offered to a channel is a message of the sender's account in the channel's history and in ALL; the channel ALL is refused", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kt = await account(d, "kyle");
  const files = fileDealer(t, server);
  answer(await ask(d, ["post", "p1", "dev", "kyle", new Date().toISOString(), "say", "here it comes", kt]));
  const data = Buffer.alloc(2_100_000, 1);
  const { offer } = await upload(files, kt, "#dev", "report.pdf", data);
  const expected = `sends report.pdf (2.1 MB, sha256 ${sha256(data).slice(0, 8)}) - /get ${offer}`;
  for (const channel of ["dev", "ALL"]) {
    const history = answer(await control(d, "history", { channel, limit: 10 }));
    const last = (history.messages as Record<string, unknown>[]).at(-1)!;
    assert.deepEqual([last.channel, last.user, last.kind, last.body, last.account], ["dev", "kyle", "me", expected, true], channel);
  }
  await refused(fileAnswer(files, { op: "offer", token: kt, to: "#ALL", name: "x", size: 1, sha256: sha256("x") }), "bad-field", /^invalid to: names no channel one can send to/);
});

test("expiry: with a short --file-ttl an offer is refused as expired and its bytes are deleted from --files", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mchat-files-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer(t, SERVER, ["--file-ttl", "2s", "--files", dir]);
  const d = dealer(t, server);
  const kt = await account(d, "kyle");
  const zt = await account(d, "zoe");
  const files = fileDealer(t, server);
  const data = randomBytes(5000);
  const { offer } = await upload(files, kt, "zoe", "soon-gone.txt", data);
  assert.deepEqual(readdirSync(join(dir, "blobs")), [sha256(data)]);
  assert.ok((await download(files, zt, offer!)).equals(data));
  const deadline = Date.now() + 10_000;
  while (readdirSync(join(dir, "blobs")).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(readdirSync(join(dir, "blobs")), [], "the bytes are deleted");
  await refused(fileAnswer(files, { op: "get", token: zt, offer: offer! }), "not-found", `offer ${offer} has expired`);
  await refused(fileAnswer(files, { op: "get", token: await account(d, "eve"), offer: offer! }), "not-found", `no file offer ${offer}`);
  assert.deepEqual((await fileAnswer(files, { op: "files", token: zt })).files, []);
});

test("with --store, an upload cut short resumes after the server restarts, and offers made before are still there", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store]);
  const d1 = dealer(t, first);
  const kt = await account(d1, "kyle");
  const zt = await account(d1, "zoe");
  const small = Buffer.from("made before the restart");
  const made = await upload(fileDealer(t, first), kt, "zoe", "before.txt", small);
  const data = randomBytes(12 * CHUNK_BYTES);
  await upload(fileDealer(t, first), kt, "zoe", "cut.bin", data, { only: (i) => i < 5 });
  first.kill("SIGTERM");
  await first.exit;

  const second = await startServer(t, SERVER, ["--store", store]);
  const again = await upload(fileDealer(t, second), kt, "zoe", "cut.bin", data);
  assert.deepEqual(again.first.missing, [[5, 11]]);
  assert.equal(again.offer, made.offer! + 1, "numbers go on");
  const files = fileDealer(t, second);
  assert.ok((await download(files, zt, made.offer!)).equals(small));
  assert.ok((await download(files, zt, again.offer!)).equals(data));
});

test("chat is answered while a large upload runs: post round trips complete during it", async (t) => {
  const server = await startServer(t, SERVER, ["--rate", "0"]);
  const d = dealer(t, server);
  const kt = await account(d, "kyle");
  await account(d, "zoe");
  const data = randomBytes(30 * MB);
  let done = false;
  const transfer = upload(fileDealer(t, server), kt, "zoe", "big.bin", data).finally(() => {
    done = true;
  });
  await new Promise((r) => setTimeout(r, 50));
  let during = 0;
  for (let i = 0; i < 20; i++) {
    const reply = await ask(d, ["post", `c${i}`, "general", "kyle", new Date().toISOString(), "say", `chat ${i}`, kt]);
    assert.equal(reply[0], "ok");
    if (!done) during++;
  }
  const { offer } = await transfer;
  assert.equal(offer, 1);
  assert.ok(during > 0, "some posts were answered before the upload finished");
});

test("requests the file port does not take, and malformed ones, are refused with a reason", async (t) => {
  const server = await startServer(t, SERVER);
  const files = fileDealer(t, server);
  assert.deepEqual(asText(await fileAsk(files, ["post", "x"])), ["err", "bad-request", "invalid op: 'post' is not a known request on the file port"]);
  assert.deepEqual(asText(await fileAsk(files, ["put", "{}"])), ["err", "bad-request", "invalid request: 'put' needs 3 frames, got 2"]);
  const put = encodeFileRequest({ op: "put", token: "ab".repeat(32), upload: "ab".repeat(16), index: 0, sha256: sha256(""), bytes: Buffer.alloc(0) });
  assert.deepEqual(asText(await fileAsk(files, put)), ["err", "auth-failed", "your login is unknown, expired or revoked: log in again"]);
});
