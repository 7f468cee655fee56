/**
 * Files in a cluster, without sockets: two file services (servers A and B,
 * each with its own NATS connection and local directory) on one 3-node
 * NATS JetStream cluster. An offer made through A is listed through B
 * under the same number and downloaded from B, which fetches the bytes
 * from the object store; numbers are claimed cluster-wide (the next offer,
 * made through B, gets the next number; offers made at once through both
 * get distinct ones); the sweep deletes the expired file from the object
 * store and each server's local copy.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CHUNK_BYTES, chunkCount, decodeFileAnswer, type FetchAnswer, type FileRequest, type FilesAnswer, type OfferAnswer, type PutAnswer,
} from "../../protocol/index.js";
import { connectCluster, type Cluster } from "../../cluster/connection.js";
import { natsCluster } from "../../testing/nats-cluster.js";
import { BlobStore } from "./blob-store.js";
import { ClusterBlobs } from "./cluster-blobs.js";
import { ClusterOffers } from "./cluster-offers.js";
import { FileService, type FileLimits } from "./file-service.js";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const TTL = 60_000;
const LIMITS: FileLimits = { maxFileSize: 10_000_000, quota: 20_000_000, rate: 0, ttlMs: TTL };

/** One server's file service on the cluster at `urls` (accounts kyle, zoe and eve; a token is the account's name). */
async function server(t: TestContext, urls: string) {
  const dir = mkdtempSync(join(tmpdir(), "mchat-cluster-files-"));
  const cluster: Cluster = await connectCluster(urls.split(","));
  const offers = await ClusterOffers.open(cluster);
  const shared = await ClusterBlobs.open(cluster);
  const blobs = new BlobStore(dir);
  const s = new FileService({
    blobs, offers, shared,
    userOf: (token) => token,
    account: (key) => (["kyle", "zoe", "eve"].includes(key) ? key : undefined),
    group: () => undefined,
    deliver: () => {},
    record: async () => {},
  }, LIMITS);
  t.after(async () => {
    await offers.close();
    await blobs.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { s, offers, shared, dir };
}

/** A request's answer, decoded as the client does. */
async function ask<A>(s: FileService, r: FileRequest, now = Date.now()): Promise<A> {
  const frames = (await s.handle(r, now)).map((f) => (typeof f === "string" ? Buffer.from(f) : f));
  return decodeFileAnswer(r.op, frames) as A;
}

async function upload(s: FileService, from: string, to: string, data: Buffer): Promise<number | undefined> {
  const a = await ask<OfferAnswer>(s, { op: "offer", token: from, to, name: "f.bin", size: data.length, sha256: sha(data) });
  let made = a.offer;
  for (let index = 0; a.missing.length > 0 && index < chunkCount(data.length); index++) {
    const bytes = data.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
    made = (await ask<PutAnswer>(s, { op: "put", token: from, upload: a.upload, index, sha256: sha(bytes), bytes })).offer ?? made;
  }
  return made;
}

async function download(s: FileService, token: string, offer: number): Promise<Buffer> {
  const info = await ask<{ size: number }>(s, { op: "get", token, offer });
  const parts: Buffer[] = [];
  for (let index = 0; index < chunkCount(info.size); index++) parts.push((await ask<FetchAnswer>(s, { op: "fetch", token, offer, index })).bytes);
  return Buffer.concat(parts);
}

test("an offer made through server A is listed through B under its number and downloaded from B; the next, made through B, is numbered next; the sweep deletes expired bytes everywhere", async (t) => {
  const nats = await natsCluster(t);
  const a = await server(t, nats.urls);
  const b = await server(t, nats.urls);

  const data = randomBytes(3 * CHUNK_BYTES + 1234);
  assert.equal(await upload(a.s, "kyle", "zoe", data), 1);
  assert.equal(await b.shared.has(sha(data)), true, "in the object store once acknowledged");
  assert.deepEqual(readdirSync(join(b.dir, "blobs")), [], "B has no copy yet");

  const listed = await ask<FilesAnswer>(b.s, { op: "files", token: "zoe" });
  assert.deepEqual(listed.files.map((f) => `${f.offer} ${f.from}->${f.to} ${f.sha256}`), [`1 kyle->zoe ${sha(data)}`]);
  const got = await download(b.s, "zoe", 1);
  assert.equal(sha(got), sha(data), "byte-identical, served by B");
  assert.deepEqual(readdirSync(join(b.dir, "blobs")), [sha(data)], "B keeps the copy it fetched");

  const other = randomBytes(1000);
  assert.equal(await upload(b.s, "zoe", "kyle", other), 2, "numbered after A's offer");
  assert.deepEqual((await ask<FilesAnswer>(a.s, { op: "files", token: "kyle" })).files.map((f) => f.offer), [2, 1]);
  assert.equal(sha(await download(a.s, "kyle", 2)), sha(other));
  const third = randomBytes(2 * CHUNK_BYTES);
  assert.equal(await upload(a.s, "kyle", "zoe", third), 3);
  const again = await ask<OfferAnswer>(b.s, { op: "offer", token: "zoe", to: "eve", name: "fwd.bin", size: third.length, sha256: sha(third) });
  assert.deepEqual([again.missing, again.offer], [[], 4], "a file the cluster holds is offered through B without an upload");
  assert.equal(sha(await download(a.s, "eve", 4)), sha(third));

  const live = Date.now() + TTL / 2;
  await a.s.sweep(live);
  assert.equal(await a.shared.has(sha(data)), true, "live offers keep their bytes");

  const later = Date.now() + TTL + 1000;
  await a.s.sweep(later);
  assert.equal(await b.shared.has(sha(data)), false, "expired: gone from the object store");
  assert.equal(await b.shared.has(sha(other)), false);
  assert.equal(await b.shared.has(sha(third)), false);
  assert.deepEqual(readdirSync(join(a.dir, "blobs")), [], "and from A's copy");
  await b.s.sweep(later);
  assert.deepEqual(readdirSync(join(b.dir, "blobs")), [], "B's sweep deletes B's copy");
  await assert.rejects(b.s.handle({ op: "get", token: "zoe", offer: 1 }, later), { message: "offer 1 has expired" });
});

test("offer numbers claimed at once through two servers are distinct and have no gaps", async (t) => {
  const nats = await natsCluster(t);
  const a = await server(t, nats.urls);
  const b = await server(t, nats.urls);
  const record = (from: string) => ({
    fromKey: from, from, to: "zoe", toKey: "zoe", kind: "account" as const, name: "x", size: 1, sha256: sha(from), created: 0, expires: 1,
  });
  const made = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).offers.add(record(`u${i}`))));
  const numbers = made.map((o) => o.offer).sort((x, y) => x - y);
  assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1));
  await a.offers.settle();
  await b.offers.settle();
  assert.deepEqual([...a.offers.all()].map((o) => o.offer), numbers, "A's copy has them all, in order");
  assert.deepEqual([...b.offers.all()].map((o) => o.offer), numbers, "B's too");
});
