import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Router } from "zeromq";
import { ServerUnreachableError } from "../../errors.js";
import { RejectedError } from "../../protocol/errors.js";
import { decodeFileRequest, encodeError, encodeFetchAnswer } from "../../protocol/index.js";
import { sha256 } from "./chunks.js";
import { FileLink } from "./file-link.js";

const TOKEN = "a".repeat(64);

/** A ROUTER on a free loopback port answering fetches in order; `answer` decides each reply (undefined: none). */
async function fakePort(t: TestContext, answer: (index: number, n: number) => (string | Buffer)[] | undefined) {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:0");
  t.after(() => router.close());
  const seen: { index: number; token: string | undefined }[] = [];
  void (async () => {
    try {
      for await (const [id, , ...frames] of router) {
        const r = decodeFileRequest(frames);
        if (r.op !== "fetch") continue;
        seen.push({ index: r.index, token: r.token });
        const reply = answer(r.index, seen.length);
        if (reply) await router.send([id!, "", ...reply]);
      }
    } catch {
      /* closed */
    }
  })();
  return { endpoint: router.lastEndpoint!, seen };
}

const chunk = (index: number) => Buffer.from(`chunk ${index}`);
const ok = (index: number) => encodeFetchAnswer({ offer: 1, index, sha256: sha256(chunk(index)), bytes: chunk(index) });

test("several requests in flight get their own replies, in order, each carrying the token", async (t) => {
  const port = await fakePort(t, ok);
  const link = new FileLink({ endpoint: port.endpoint, token: () => TOKEN });
  t.after(() => link.close());
  const answers = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => link.fetch(1, i)));
  assert.deepEqual(answers.map((a) => a.bytes.toString()), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `chunk ${i}`));
  assert.ok(port.seen.every((s) => s.token === TOKEN));
});

test("a refusal is the request's own, with the server's sentence and retry-after", async (t) => {
  const port = await fakePort(t, (i) => (i === 1 ? encodeError("slow-down", "too fast", 250) : ok(i)));
  const link = new FileLink({ endpoint: port.endpoint, token: () => TOKEN });
  t.after(() => link.close());
  const [a, b, c] = await Promise.allSettled([link.fetch(1, 0), link.fetch(1, 1), link.fetch(1, 2)]);
  assert.equal(a.status === "fulfilled" && a.value.index, 0);
  assert.ok(b.status === "rejected" && b.reason instanceof RejectedError && b.reason.code === "slow-down" && b.reason.retryAfterMs === 250);
  assert.equal(c.status === "fulfilled" && c.value.index, 2);
});

test("a lost reply: every outstanding request fails as unanswered, and the next goes out on a new socket", async (t) => {
  const port = await fakePort(t, (i, n) => (n === 1 ? undefined : ok(i)));
  const link = new FileLink({ endpoint: port.endpoint, token: () => TOKEN, attemptMs: 300 });
  t.after(() => link.close());
  const results = await Promise.allSettled([link.fetch(1, 0), link.fetch(1, 1)]);
  for (const r of results) assert.ok(r.status === "rejected" && r.reason instanceof ServerUnreachableError, String(r.status));
  assert.equal((await link.fetch(1, 5)).index, 5);
});

test("a request its caller gave up on keeps its place: the next one gets its own reply", async (t) => {
  const port = await fakePort(t, ok);
  const link = new FileLink({ endpoint: port.endpoint, token: () => TOKEN });
  t.after(() => link.close());
  const abort = new AbortController();
  const first = link.fetch(1, 0, abort.signal);
  abort.abort(new Error("gave up"));
  await assert.rejects(first, /gave up/);
  assert.equal((await link.fetch(1, 1)).index, 1);
});

test("without a login nothing is sent", async (t) => {
  const port = await fakePort(t, ok);
  const link = new FileLink({ endpoint: port.endpoint, token: () => undefined });
  t.after(() => link.close());
  await assert.rejects(link.fetch(1, 0), /files are for accounts/);
  assert.equal(port.seen.length, 0);
});
