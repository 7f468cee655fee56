import { test } from "node:test";
import assert from "node:assert/strict";
import { change, logContract, message } from "../../testing/log-contract.js";
import { MemoryLog } from "./memory.js";

logContract("memory", {
  async open(t) {
    const log = new MemoryLog();
    t.after(() => log.close());
    return log;
  },
});

test("memory: a deleted message's text, and its edits', are overwritten in the arena, not only hidden", async (t) => {
  const log = new MemoryLog();
  t.after(() => log.close());
  const mine = { account: true as const };
  await log.appendBatch([message("m1", "dev", "secret-original-7f3a", mine), message("m2", "dev", "kept-text-19c2", mine)]);
  await log.appendBatch([change("e1", "dev", 1, "secret-edited-44be")]);
  const arena = () => Buffer.concat((log as unknown as { chunks: Buffer[] }).chunks);
  assert.ok(arena().includes("secret-original-7f3a") && arena().includes("secret-edited-44be"));
  await log.appendBatch([change("d1", "dev", 1)]);
  assert.equal(arena().includes("secret-original-7f3a"), false);
  assert.equal(arena().includes("secret-edited-44be"), false);
  assert.ok(arena().includes("kept-text-19c2"), "only the deleted message's bytes");
});
