/**
 * The file port's codec (ops/files.ts, file-port.ts): each request and
 * answer round-trips, bad names, hashes, targets and frame counts throw
 * CodecError naming the field, and a file offer decodes as an inbox item.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CHUNK_BYTES, checkFileName, chunkCount, chunkLength, decodeAnswer, decodeFileAnswer, decodeFileRequest, encodeControlAnswer,
  encodeFetchAnswer, encodeFileRequest, formatBytes, MalformedAnswerError, offerBody, type FileOffer, type FileRequest,
} from "./index.js";
import { CodecError } from "./errors.js";

const wire = (frames: readonly (string | Buffer)[]): Buffer[] => frames.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));
const TOKEN = "ab".repeat(32);
const SHA = createHash("sha256").update("hello").digest("hex");
const OFFER: FileOffer = {
  offer: 7, from: "kyle", to: "zoë", name: "report (final) 📄.pdf", size: 2_100_000, sha256: SHA,
  time: "2026-01-31T22:00:00.000Z", expires: "2026-02-07T22:00:00.000Z",
};

test("every file request round-trips through its frames", () => {
  const requests: FileRequest[] = [
    { op: "offer", token: TOKEN, to: "#dev", name: "a.txt", size: 0, sha256: SHA },
    { op: "offer", token: TOKEN, to: "ops", name: "отчёт.pdf", size: 10 * 1024 * 1024, sha256: SHA },
    { op: "put", token: TOKEN, upload: "0f".repeat(16), index: 3, sha256: SHA, bytes: Buffer.from([0, 1, 2, 255]) },
    { op: "get", token: TOKEN, offer: 7 },
    { op: "fetch", token: TOKEN, offer: 7, index: 0 },
    { op: "files", token: TOKEN },
    { op: "files" },
  ];
  for (const r of requests) assert.deepEqual(decodeFileRequest(wire(encodeFileRequest(r))), r);
});

test("answers decode: offer with missing ranges or a ready offer, put, get, files, fetch with its bytes; an inbox file item", () => {
  const ok = (a: object) => wire(encodeControlAnswer(a));
  assert.deepEqual(decodeFileAnswer("offer", ok({ upload: "aa".repeat(16), chunk: CHUNK_BYTES, missing: [[0, 4], [8, 9]] })), { upload: "aa".repeat(16), chunk: CHUNK_BYTES, missing: [[0, 4], [8, 9]] });
  assert.deepEqual(decodeFileAnswer("offer", ok({ upload: "aa".repeat(16), chunk: CHUNK_BYTES, missing: [], offer: 3 })).offer, 3);
  assert.deepEqual(decodeFileAnswer("put", ok({ upload: "aa".repeat(16), index: 4, offer: 9 })), { upload: "aa".repeat(16), index: 4, offer: 9 });
  assert.deepEqual(decodeFileAnswer("get", ok({ ...OFFER, chunk: CHUNK_BYTES })), { ...OFFER, chunk: CHUNK_BYTES });
  assert.deepEqual(decodeFileAnswer("files", ok({ files: [OFFER, { ...OFFER, offer: 6, to: "ops", group: true }] })).files.length, 2);
  const bytes = Buffer.alloc(CHUNK_BYTES, 7);
  assert.deepEqual(decodeFileAnswer("fetch", wire(encodeFetchAnswer({ offer: 7, index: 2, sha256: SHA, bytes }))), { offer: 7, index: 2, sha256: SHA, bytes });
  const inbox = decodeAnswer("inbox", ok({ after: 0, head: 1, items: [{ type: "file", ...OFFER, m: 1 }] }));
  assert.deepEqual(inbox.items[0], { type: "file", ...OFFER, m: 1 });
});

test("bad answers are malformed: ranges out of order, a foreign chunk size, an offer with chunks missing, a bad name", () => {
  const bad = (op: "offer" | "get", a: object, field: string) => assert.throws(() => decodeFileAnswer(op, wire(encodeControlAnswer(a))),
    (err) => err instanceof MalformedAnswerError && err.problem.field === field);
  const u = "aa".repeat(16);
  bad("offer", { upload: u, chunk: CHUNK_BYTES, missing: [[3, 4], [2, 2]] }, "first");
  bad("offer", { upload: u, chunk: CHUNK_BYTES, missing: [[4, 3]] }, "last");
  bad("offer", { upload: u, chunk: 1024, missing: [] }, "chunk");
  bad("offer", { upload: u, chunk: CHUNK_BYTES, missing: [[0, 0]], offer: 1 }, "offer");
  bad("get", { ...OFFER, name: "../x", chunk: CHUNK_BYTES }, "name");
  bad("get", { ...OFFER, to: "#ALL", chunk: CHUNK_BYTES }, "to");
});

test("dangerous file names are refused on the wire; ordinary ones of any script pass", () => {
  for (const name of ["", ".", "..", "../../.bashrc", "/etc/passwd", "a\\b", "a\0b", "a\nb", "a\x1b[31mb", "a\x7f", "a\u0085b", "report\u202efdp.exe", "é".repeat(128)]) {
    assert.throws(() => checkFileName(name), CodecError, JSON.stringify(name));
  }
  for (const name of [".bashrc", "a b.txt", "日本語.txt", "x".repeat(255), "é".repeat(127), "..."]) assert.equal(checkFileName(name), name);
});

test("requests with a bad field or frame count are refused with the field named", () => {
  const refused = (frames: (string | Buffer)[], field: string, code = "bad-field") => assert.throws(() => decodeFileRequest(wire(frames)),
    (err) => err instanceof CodecError && err.field === field && err.code === code);
  refused(["offer", JSON.stringify({ token: TOKEN, to: "#ALL", name: "a", size: 1, sha256: SHA })], "to");
  refused(["offer", JSON.stringify({ token: TOKEN, to: "zoe", name: "a", size: -1, sha256: SHA })], "size");
  refused(["offer", JSON.stringify({ token: TOKEN, to: "zoe", name: "a", size: 1, sha256: SHA.toUpperCase() })], "sha256");
  refused(["put", JSON.stringify({ token: TOKEN, upload: "aa".repeat(16), index: 0, sha256: SHA })], "request", "bad-request");
  refused(["put", JSON.stringify({ token: TOKEN, upload: "aa".repeat(16), index: 0, sha256: SHA }), Buffer.alloc(CHUNK_BYTES + 1)], "chunk", "bad-chunk");
  refused(["get", JSON.stringify({ token: TOKEN, offer: 0 })], "offer");
  refused(["fetch", JSON.stringify({ token: "nope", offer: 1, index: 0 })], "token");
  refused(["post", "x"], "op", "bad-request");
});

test("chunks cut a file at CHUNK_BYTES; sizes read like people write them; a channel offer's body", () => {
  assert.equal(chunkCount(0), 0);
  assert.equal(chunkCount(CHUNK_BYTES), 1);
  assert.equal(chunkCount(CHUNK_BYTES + 1), 2);
  assert.equal(chunkLength(CHUNK_BYTES + 1, 1), 1);
  assert.equal(chunkLength(CHUNK_BYTES + 1, 2), 0);
  assert.deepEqual([512, 2_100_000, 10 * 1024 * 1024, 100_000_000, 1_500].map(formatBytes), ["512 B", "2.1 MB", "10.5 MB", "100 MB", "1.5 kB"]);
  assert.equal(offerBody({ offer: 7, name: "report.pdf", size: 2_100_000, sha256: "3f2a9c1e" + "0".repeat(56) }), "sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7");
});
