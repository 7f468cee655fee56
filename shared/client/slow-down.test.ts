import { test } from "node:test";
import assert from "node:assert/strict";
import { ClosedError } from "../errors.js";
import { RejectedError } from "../protocol/errors.js";
import { waitOutSlowDown } from "./slow-down.js";

test("only a slow-down refusal is waited out; past the deadline it is given up at once", async () => {
  assert.equal(await waitOutSlowDown(new RejectedError("read-only", "ALL is read-only")), false);
  assert.equal(await waitOutSlowDown(new Error("boom")), false);
  assert.equal(await waitOutSlowDown(new RejectedError("slow-down", "too many messages", 1)), true);
  assert.equal(await waitOutSlowDown(new RejectedError("slow-down", "too many messages", 60_000), { deadline: Date.now() + 1000 }), false);
});

test("an aborted wait rejects with the signal's reason", async () => {
  const abort = new AbortController();
  const waiting = waitOutSlowDown(new RejectedError("slow-down", "too many messages", 60_000), { signal: abort.signal });
  abort.abort(new ClosedError());
  await assert.rejects(waiting, ClosedError);
});
