import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeOperation, encodeOperation, type Operation } from "./operation.js";

test("an operation round-trips through its bytes: Buffers and undefined arguments come back as they were", () => {
  const password = { salt: Buffer.from([0, 1, 255]), hash: Buffer.alloc(32, 7), params: { N: 1024, r: 8, p: 1, keylen: 32 } };
  const op: Operation = { i: "id-1", s: "accounts", m: "add", a: [{ key: "kyle", user: "Kyle", password, created: 5 }] };
  assert.deepEqual(decodeOperation(encodeOperation(op)), op);
  const append: Operation = { i: "id-2", s: "conversations", m: "append", a: [undefined, [{ key: "zoe", item: { type: "group", group: "ops", event: "left", user: "a", by: "a", time: "t" } }]] };
  const back = decodeOperation(encodeOperation(append));
  assert.deepEqual(back, append);
  assert.equal(back.a.length, 2);
  assert.equal(0 in back.a, true, "an element, not a hole");
});

test("bytes that are not an operation throw", () => {
  for (const text of ["", "null", "[]", '{"i":1,"s":"accounts","m":"add","a":[]}', '{"i":"x","s":"accounts","m":"add"}']) {
    assert.throws(() => decodeOperation(Buffer.from(text)));
  }
});
