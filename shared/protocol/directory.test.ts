/** The directory's assign request and answer: round trips, and each bad field refused with its name. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CodecError, MalformedAnswerError, RejectedError } from "./errors.js";
import { decodeAssignment, decodeDirectoryRequest, encodeDirectoryRequest } from "./ops/directory.js";

const frames = (...f: string[]) => f.map((x) => Buffer.from(x));

test("assign round-trips; its answer is validated", () => {
  assert.deepEqual(decodeDirectoryRequest(frames(...encodeDirectoryRequest({ op: "assign", user: "ann" }))), { op: "assign", user: "ann" });
  assert.deepEqual(decodeDirectoryRequest(frames(...encodeDirectoryRequest({ op: "assign", user: "ann", avoid: "ab12" }))), { op: "assign", user: "ann", avoid: "ab12" });
  const answer = { server: "ab12", post: "tcp://127.0.0.1:5555", pub: "tcp://127.0.0.1:5556", filePort: 5557 };
  assert.deepEqual(decodeAssignment(frames("ok", JSON.stringify(answer))), answer);
});

test("bad assign requests and answers are refused", () => {
  assert.throws(() => decodeDirectoryRequest(frames("hello", "{}")), (e: unknown) => e instanceof CodecError && e.field === "op");
  assert.throws(() => decodeDirectoryRequest(frames("assign", '{"user":"two words"}')), (e: unknown) => e instanceof CodecError && e.field === "user");
  assert.throws(() => decodeDirectoryRequest(frames("assign", '{"user":"ann","avoid":"a.b"}')), (e: unknown) => e instanceof CodecError && e.field === "avoid");
  assert.throws(() => decodeAssignment(frames("ok", '{"server":"x","post":"ipc://nope","pub":"tcp://h:1"}')), MalformedAnswerError);
  assert.throws(() => decodeAssignment(frames("err", "unavailable", "no chat server is available: full")), (e: unknown) => e instanceof RejectedError && e.reason === "no chat server is available: full");
});
