/**
 * The file store and service without sockets, on a temporary directory
 * and an injected clock: content addressing (one blob per SHA-256, an
 * offer of a stored file made at once), resume bookkeeping (missing ranges,
 * kept across a new service on the same directory), the sweep (expiry,
 * bytes no offer refers to, idle uploads, records forgotten a TTL later),
 * the quota, and the rate.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHUNK_BYTES, type FileNotice, type FileRequest, type OfferAnswer, type PutAnswer } from "../../protocol/index.js";
import { Refusal } from "../accounts/refusal.js";
import type { MessageEntry } from "../log/event-log.js";
import { BlobStore } from "./blob-store.js";
import { FileService, type FileLimits } from "./file-service.js";
import { Offers } from "./offers.js";
import { missingRanges } from "./uploads.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const T0 = Date.parse("2026-03-01T12:00:00Z");
const TTL = 3_600_000;
const LIMITS: FileLimits = { maxFileSize: 10_000_000, quota: 20_000_000, rate: 0, ttlMs: TTL };

/** A service on `dir` for accounts kyle, zoe and eve (a token is the account's name), with what it delivered and recorded. */
function service(t: TestContext, dir: string, limits: Partial<FileLimits> = {}) {
  const delivered: [string, FileNotice][] = [];
  const recorded: MessageEntry[] = [];
  const blobs = new BlobStore(dir);
  const s = new FileService({
    blobs, offers: new Offers(),
    userOf: (token) => token,
    account: (key) => (["kyle", "zoe", "eve"].includes(key) ? key : undefined),
    group: () => undefined,
    deliver: (key, item) => void delivered.push([key, item]),
    record: async (e) => void recorded.push(e),
  }, { ...LIMITS, ...limits });
  t.after(() => blobs.close());
  return { s, blobs, delivered, recorded };
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-files-unit-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The JSON answer of a request. */
async function ask<A>(s: FileService, r: FileRequest, now = T0): Promise<A> {
  const [status, json] = await s.handle(r, now);
  assert.equal(status, "ok");
  return JSON.parse(String(json)) as A;
}

const offer = (s: FileService, from: string, to: string, data: Buffer, now = T0, name = "f.bin") =>
  ask<OfferAnswer>(s, { op: "offer", token: from, to, name, size: data.length, sha256: sha(data) }, now);

async function put(s: FileService, from: string, upload: string, data: Buffer, indices: number[], now = T0): Promise<number | undefined> {
  let made: number | undefined;
  for (const index of indices) {
    const bytes = data.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
    made = (await ask<PutAnswer>(s, { op: "put", token: from, upload, index, sha256: sha(bytes), bytes }, now)).offer ?? made;
  }
  return made;
}

async function refusal(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof Refusal, String(err));
    return [err.code, err.message];
  }
  assert.fail("expected a refusal");
}

test("missing ranges: every run of absent chunks, in order", () => {
  assert.deepEqual(missingRanges(new Uint8Array([0, 0, 1, 0, 1, 1, 0])), [[0, 1], [3, 3], [6, 6]]);
  assert.deepEqual(missingRanges(new Uint8Array([1, 1])), []);
  assert.deepEqual(missingRanges(new Uint8Array(0)), []);
});

test("content addressing: a file is stored once by its SHA-256; offering it again needs no chunk, whoever uploaded it; recipients and the sender are told", async (t) => {
  const dir = tempDir(t);
  const { s, delivered } = service(t, dir);
  const data = randomBytes(2 * CHUNK_BYTES + 10);
  const a = await offer(s, "kyle", "zoe", data);
  assert.deepEqual(a.missing, [[0, 2]]);
  assert.equal(await put(s, "kyle", a.upload, data, [0, 1, 2]), 1);
  assert.deepEqual(readdirSync(join(dir, "blobs")), [sha(data)]);
  assert.deepEqual(readdirSync(join(dir, "partial")), [], "the part file became the blob");
  assert.deepEqual(delivered.map(([k, i]) => `${k} ${i.offer} ${i.from}->${i.to}`), ["zoe 1 kyle->zoe", "kyle 1 kyle->zoe"]);

  const b = await offer(s, "eve", "zoe", data);
  assert.deepEqual([b.missing, b.offer], [[], 2], "eve's copy is the same bytes");
  assert.deepEqual(readdirSync(join(dir, "blobs")), [sha(data)]);
  const empty = await offer(s, "kyle", "eve", Buffer.alloc(0));
  assert.deepEqual([empty.missing, empty.offer], [[], 3], "an empty file has no chunks, and is offered at once");
});

test("resume bookkeeping: chunks that arrived are kept across a new service on the same directory; a chunk sent twice is stored once", async (t) => {
  const dir = tempDir(t);
  const data = randomBytes(5 * CHUNK_BYTES);
  const first = service(t, dir);
  const a = await offer(first.s, "kyle", "zoe", data);
  await put(first.s, "kyle", a.upload, data, [0, 2, 2, 4]);
  await first.s.close();
  await first.blobs.close();

  const second = service(t, dir);
  await second.s.open();
  const b = await offer(second.s, "kyle", "zoe", data, T0 + 1000);
  assert.equal(b.upload, a.upload);
  assert.deepEqual(b.missing, [[1, 1], [3, 3]]);
  assert.equal(await put(second.s, "kyle", b.upload, data, [1, 3]), 1);
  const other = await offer(second.s, "zoe", "kyle", data);
  assert.equal(other.offer, 2);
});

test("the sweep: an offer expires after the TTL and its bytes go; its record is kept another TTL to say so; an idle upload goes too", async (t) => {
  const dir = tempDir(t);
  const { s } = service(t, dir);
  const data = randomBytes(100);
  const a = await offer(s, "kyle", "zoe", data);
  await put(s, "kyle", a.upload, data, [0]);
  const idle = randomBytes(2 * CHUNK_BYTES);
  const u = await offer(s, "kyle", "eve", idle, T0 + 1000);
  await put(s, "kyle", u.upload, idle, [0], T0 + 1000);

  await s.sweep(T0 + TTL - 1);
  assert.deepEqual(readdirSync(join(dir, "blobs")), [sha(data)]);
  assert.equal((await ask<{ size: number }>(s, { op: "get", token: "zoe", offer: 1 }, T0 + TTL - 1)).size, 100);

  await s.sweep(T0 + TTL);
  assert.deepEqual(readdirSync(join(dir, "blobs")), [], "expired: the bytes are deleted");
  assert.deepEqual(await refusal(s.handle({ op: "get", token: "zoe", offer: 1 }, T0 + TTL)), ["not-found", "offer 1 has expired"]);
  assert.deepEqual(await refusal(s.handle({ op: "get", token: "eve", offer: 1 }, T0 + TTL)), ["not-found", "no file offer 1"], "not to others");
  assert.deepEqual(readdirSync(join(dir, "partial")), [`${u.upload}.part`], "the upload touched later is still there");

  await s.sweep(T0 + 2 * TTL + 1000);
  assert.deepEqual(readdirSync(join(dir, "partial")), [], "idle for a TTL: gone");
  assert.deepEqual(await refusal(s.handle({ op: "get", token: "zoe", offer: 1 }, T0 + 2 * TTL + 1000)), ["not-found", "no file offer 1"], "forgotten after another TTL");
  const again = await offer(s, "kyle", "eve", idle, T0 + 2 * TTL + 2000);
  assert.deepEqual(again.missing, [[0, 1]], "a swept upload starts over");
});

test("the quota counts live offers and uploads in progress; expired offers free it; max size is checked first", async (t) => {
  const { s } = service(t, tempDir(t), { quota: 3 * CHUNK_BYTES, maxFileSize: 2 * CHUNK_BYTES });
  const one = randomBytes(CHUNK_BYTES);
  const two = randomBytes(2 * CHUNK_BYTES);
  assert.equal((await refusal(offer(s, "kyle", "zoe", randomBytes(2 * CHUNK_BYTES + 1))))[0], "too-big");
  const a = await offer(s, "kyle", "zoe", two);
  assert.equal(s.used("kyle", T0), 2 * CHUNK_BYTES, "an upload in progress counts");
  await put(s, "kyle", a.upload, two, [0, 1]);
  assert.equal(s.used("kyle", T0), 2 * CHUNK_BYTES, "then its offer");
  await offer(s, "kyle", "zoe", one);
  const [code, sentence] = await refusal(offer(s, "kyle", "eve", one));
  assert.equal(code, "quota");
  assert.match(sentence, /would take your files past your quota of 184 kB \(184 kB in use\)/);
  assert.equal(s.used("kyle", T0 + TTL), CHUNK_BYTES, "the expired offer no longer counts");
  assert.equal(s.used("zoe", T0), 0);
});

test("the rate: bytes a second per account, answered slow-down with the wait; other accounts unaffected", async (t) => {
  const { s } = service(t, tempDir(t), { rate: CHUNK_BYTES });
  const data = randomBytes(3 * CHUNK_BYTES);
  const a = await offer(s, "kyle", "zoe", data);
  await put(s, "kyle", a.upload, data, [0]);
  const bytes = data.subarray(CHUNK_BYTES, 2 * CHUNK_BYTES);
  try {
    await s.handle({ op: "put", token: "kyle", upload: a.upload, index: 1, sha256: sha(bytes), bytes }, T0 + 250);
    assert.fail("expected slow-down");
  } catch (err) {
    assert.ok(err instanceof Refusal);
    assert.equal(err.code, "slow-down");
    assert.equal(err.retryAfterMs, 750);
  }
  assert.equal(await put(s, "kyle", a.upload, data, [1], T0 + 1000), undefined);
  const b = await offer(s, "zoe", "kyle", randomBytes(10));
  assert.deepEqual(b.missing, [[0, 0]]);
});
