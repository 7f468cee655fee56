/**
 * The send queue on real sockets: many sends issued at once (zeromq.js
 * would say "Socket is busy" to the second) arrive whole and in order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push } from "zeromq";
import { SendQueue } from "./send-queue.js";

test("10,000 sends issued in one go arrive in order, none reported as failed", async (t) => {
  const pull = new Pull({ linger: 0 });
  const push = new Push({ linger: 0 });
  t.after(() => {
    pull.close();
    push.close();
  });
  await pull.bind("tcp://127.0.0.1:0");
  push.connect(pull.lastEndpoint!);
  const errors: unknown[] = [];
  const queue = new SendQueue(push, (err) => errors.push(err));
  for (let i = 0; i < 10_000; i++) queue.send([`n${i}`, Buffer.from([i & 0xff])]);

  for (let i = 0; i < 10_000; i++) {
    const [label, byte] = await pull.receive();
    assert.equal(String(label), `n${i}`);
    assert.equal(byte![0], i & 0xff);
  }
  assert.deepEqual(errors, []);
  assert.equal(queue.pending, 0);
});
