import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerUnreachableError } from "../../errors.js";
import { RejectedError } from "../../protocol/errors.js";
import { chunkCount, rangesOf, sha256 } from "./chunks.js";
import { download } from "./download.js";
import type { FetchAnswer } from "../../protocol/index.js";
import type { FileOps, OfferInfo } from "./file-ops.js";
import { partPath } from "./part-file.js";
import { CorruptFileError } from "./transfer-errors.js";
import { upload } from "./upload.js";

const CHUNK = 1000;

/**
 * The file port's requests in memory, as the server answers them: uploads
 * kept by content so a new offer of the same bytes resumes, offers numbered.
 * `fault` lets a test break one request on purpose.
 */
class MemoryFiles implements FileOps {
  uploads = new Map<string, { size: number; chunks: Map<number, Buffer>; name: string }>();
  offers: OfferInfo[] = [];
  puts = 0;
  fetches = 0;
  fault: ((op: "put" | "fetch", index: number) => Error | "corrupt" | undefined) | undefined;

  async offer(r: { to: string; name: string; size: number; sha256: string }) {
    const u = this.uploads.get(r.sha256) ?? { size: r.size, chunks: new Map(), name: r.name };
    this.uploads.set(r.sha256, u);
    const missing = Array.from({ length: chunkCount(r.size, CHUNK) }, (_, i) => i).filter((i) => !u.chunks.has(i));
    const done = this.offers.find((o) => o.sha256 === r.sha256);
    return { upload: r.sha256, chunk: CHUNK, missing: rangesOf(missing), ...(done && missing.length === 0 ? { offer: done.offer } : {}) };
  }

  async put(r: { upload: string; index: number; sha256: string }, bytes: Buffer) {
    this.puts++;
    const broken = this.fault?.("put", r.index);
    if (broken instanceof Error) throw broken;
    const u = this.uploads.get(r.upload)!;
    if (sha256(bytes) !== r.sha256) throw new RejectedError("bad-chunk", "chunk does not match its hash");
    u.chunks.set(r.index, bytes);
    if (u.chunks.size < chunkCount(u.size, CHUNK)) return { upload: r.upload, index: r.index };
    const whole = Buffer.concat([...u.chunks.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
    const offer = this.offers.length + 1;
    this.offers.push({ offer, name: u.name, size: u.size, sha256: sha256(whole), chunk: CHUNK, from: "kyle", to: "zoe", time: "2026-01-01T00:00:00.000Z", expires: "2099-01-01T00:00:00.000Z" });
    return { upload: r.upload, index: r.index, offer };
  }

  async files() {
    return { files: this.offers };
  }

  async get(offer: number) {
    const o = this.offers[offer - 1];
    if (!o) throw new RejectedError("not-found", "no such offer");
    return o;
  }

  async fetch(offer: number, index: number): Promise<FetchAnswer> {
    this.fetches++;
    const broken = this.fault?.("fetch", index);
    if (broken instanceof Error) throw broken;
    const bytes = Buffer.from(this.uploads.get(this.offers[offer - 1]!.sha256)!.chunks.get(index)!);
    const hash = sha256(bytes);
    if (broken === "corrupt") bytes[0]! ^= 0xff;
    return { offer, index, sha256: hash, bytes };
  }
}

async function setup(t: TestContext, size = 10 * CHUNK + 123, name = "data.bin") {
  const root = await mkdtemp(join(tmpdir(), "transfer-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const bytes = randomBytes(size);
  const path = join(root, name);
  await writeFile(path, bytes);
  return { root, bytes, path, dir: join(root, "downloads"), ops: new MemoryFiles() };
}

test("a file goes up and comes down whole, under its name, not executable, the directory made private", async (t) => {
  const { bytes, path, dir, ops } = await setup(t);
  const sent = await upload({ ops, path, to: "zoe" });
  assert.equal(sent.offer, 1);
  assert.equal(sent.sha256, sha256(bytes));
  assert.equal(sent.resumed, 0);
  assert.equal(ops.puts, 11);
  const seen: number[] = [];
  const got = await download({ ops, offer: 1, dir, onProgress: (p) => seen.push(p.done) });
  assert.equal(got.path, join(dir, "data.bin"));
  assert.deepEqual(await readFile(got.path), bytes);
  assert.equal(Math.max(...seen), bytes.length);
  assert.equal((await stat(got.path)).mode & 0o111, 0);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.deepEqual(await readdir(dir), ["data.bin"]); // no part file or sidecar left
});

test("a second download of the same offer gets a numbered name", async (t) => {
  const { path, dir, ops } = await setup(t);
  await upload({ ops, path, to: "zoe" });
  await download({ ops, offer: 1, dir });
  const again = await download({ ops, offer: 1, dir });
  assert.equal(again.path, join(dir, "data (1).bin"));
});

test("a chunk corrupted on the way is fetched again", async (t) => {
  const { bytes, path, dir, ops } = await setup(t);
  await upload({ ops, path, to: "zoe" });
  let corrupted = 0;
  ops.fault = (op, index) => (op === "fetch" && index === 3 && corrupted++ < 2 ? "corrupt" : undefined);
  const got = await download({ ops, offer: 1, dir });
  assert.deepEqual(await readFile(got.path), bytes);
  assert.equal(ops.fetches, 11 + 2);
});

test("a killed download resumes: only the missing chunks are fetched", async (t) => {
  const { bytes, path, dir, ops } = await setup(t);
  await upload({ ops, path, to: "zoe" });
  const abort = new AbortController();
  ops.fault = (op) => (op === "fetch" && ops.fetches > 4 ? (abort.abort(new Error("killed")), new Error("killed")) : undefined);
  await assert.rejects(download({ ops, offer: 1, dir, signal: abort.signal, width: 1 }), /killed/);
  const part = partPath(dir, ops.offers[0]!);
  assert.ok((await readFile(`${part}.chunks`, "utf8")).split("\n").length > 2);
  ops.fault = undefined;
  ops.fetches = 0;
  let resumed = -1;
  const got = await download({ ops, offer: 1, dir, onStart: (o) => (resumed = o.resumed) });
  assert.equal(resumed, 4 * CHUNK);
  assert.equal(ops.fetches, 7);
  assert.deepEqual(await readFile(got.path), bytes);
  assert.deepEqual(await readdir(dir), ["data.bin"]);
});

test("a resumed download fetches again a chunk whose bytes on disk no longer match, and ignores a torn line", async (t) => {
  const { bytes, path, dir, ops } = await setup(t);
  await upload({ ops, path, to: "zoe" });
  const abort = new AbortController();
  ops.fault = (op) => (op === "fetch" && ops.fetches > 4 ? (abort.abort(new Error("killed")), new Error("killed")) : undefined);
  await assert.rejects(download({ ops, offer: 1, dir, signal: abort.signal, width: 1 }));
  const part = partPath(dir, ops.offers[0]!);
  const data = await readFile(part);
  data[CHUNK + 5]! ^= 1; // chunk 1 damaged on disk
  await writeFile(part, data);
  await writeFile(`${part}.chunks`, (await readFile(`${part}.chunks`, "utf8")) + "7 abc");
  ops.fault = undefined;
  ops.fetches = 0;
  const got = await download({ ops, offer: 1, dir });
  assert.equal(ops.fetches, 8);
  assert.deepEqual(await readFile(got.path), bytes);
});

test("a killed upload resumes: only the chunks the server lacks are sent", async (t) => {
  const { path, ops } = await setup(t);
  const abort = new AbortController();
  ops.fault = (op) => (op === "put" && ops.puts > 6 ? (abort.abort(new Error("killed")), new Error("killed")) : undefined);
  await assert.rejects(upload({ ops, path, to: "zoe", signal: abort.signal, width: 1 }));
  ops.fault = undefined;
  ops.puts = 0;
  let resumed = -1;
  const sent = await upload({ ops, path, to: "zoe", onStart: (o) => (resumed = o.resumed) });
  assert.equal(resumed, 6 * CHUNK);
  assert.equal(ops.puts, 5);
  assert.equal(sent.offer, 1);
});

test("slow-down pauses the window for the time asked; an unanswered request is sent again", async (t) => {
  const { bytes, path, dir, ops } = await setup(t);
  let slowed = false;
  let lost = false;
  ops.fault = (op, index) => {
    if (op === "put" && index === 2 && !slowed) return (slowed = true), new RejectedError("slow-down", "too fast", 30);
    if (op === "fetch" && index === 5 && !lost) return (lost = true), new ServerUnreachableError("tcp://x", 10);
    return undefined;
  };
  await upload({ ops, path, to: "zoe" });
  const got = await download({ ops, offer: 1, dir });
  assert.ok(slowed && lost);
  assert.deepEqual(await readFile(got.path), bytes);
});

test("a refusal no retry mends stops the transfer with the server's sentence; nothing is saved", async (t) => {
  const { path, dir, ops } = await setup(t);
  await assert.rejects(download({ ops, offer: 9, dir }), { name: "RejectedError", reason: "no such offer" });
  ops.fault = (op) => (op === "put" ? new RejectedError("quota", "your files take 100 MB already") : undefined);
  await assert.rejects(upload({ ops, path, to: "zoe" }), { reason: "your files take 100 MB already" });
});

test("a whole file whose hash is not the one offered is not saved", async (t) => {
  const { path, dir, ops } = await setup(t);
  await upload({ ops, path, to: "zoe" });
  const offered = ops.offers[0]!;
  ops.get = async () => ({ ...offered, sha256: "0".repeat(64) });
  await assert.rejects(download({ ops, offer: 1, dir }), CorruptFileError);
  assert.deepEqual(await readdir(dir), []);
});

test("a dangerous name is saved inside the download directory", async (t) => {
  const { bytes, path, dir, ops } = await setup(t);
  await upload({ ops, path, to: "zoe" });
  for (const name of ["../../.bashrc", "/etc/passwd", "C:\\x\\evil.dll", "a\0b", "..", "é".repeat(300) + ".txt"]) {
    ops.offers[0]!.name = name;
    const got = await download({ ops, offer: 1, dir });
    assert.equal(join(dir, got.path.slice(dir.length + 1)), got.path);
    assert.deepEqual(await readFile(got.path), bytes);
  }
  const saved = await readdir(dir);
  assert.deepEqual(saved.slice().sort(), ["a_b", "bashrc", "evil.dll", "file", "passwd", "é".repeat(125) + ".txt"].sort());
});

test("an empty file goes up and comes down", async (t) => {
  const { path, dir, ops } = await setup(t, 0, "empty");
  ops.offer = async function (r) {
    const offer = this.offers.length + 1;
    this.offers.push({ offer, name: r.name, size: 0, sha256: r.sha256, chunk: CHUNK, from: "kyle", to: "zoe", time: "2026-01-01T00:00:00.000Z", expires: "2099-01-01T00:00:00.000Z" });
    this.uploads.set(r.sha256, { size: 0, chunks: new Map(), name: r.name });
    return { upload: r.sha256, chunk: CHUNK, missing: [], offer };
  };
  const sent = await upload({ ops, path, to: "zoe" });
  const got = await download({ ops, offer: sent.offer, dir });
  assert.equal((await stat(got.path)).size, 0);
});
