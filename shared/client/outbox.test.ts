/**
 * How far input runs ahead of the server (Outbox.room()): a piped client
 * reads no more than QUEUE_AHEAD lines beyond what the server has taken,
 * unless the server is not answering, when every line is kept as before.
 * Real sockets: a ROUTER in this process plays the server and decides
 * when to answer.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Router } from "zeromq";
import { Outbox, QUEUE_AHEAD } from "./outbox.js";
import type { Post } from "../protocol/index.js";

/** A server that takes compact posts and answers as many as `answerable` allows, in order; the rest it holds. */
async function holdingServer(t: TestContext) {
  const router = new Router({ linger: 0 });
  t.after(() => router.close());
  await router.bind("tcp://127.0.0.1:0");
  const held: Buffer[][] = [];
  const taken: string[] = [];
  const s = {
    endpoint: router.lastEndpoint!,
    taken,
    /** How many posts may be answered in all (Infinity: every one). */
    answerable: 0,
    /** Answers what is held, up to `answerable`. */
    async answer(): Promise<void> {
      while (held.length > 0 && taken.length < s.answerable) {
        const f = held.shift()!;
        const id = String(f[3]).split(" ")[0]!;
        const n = String(taken.push(id));
        await router.send([f[0]!, f[1]!, "ok", n, n]);
      }
    },
  };
  void (async () => {
    for await (const frames of router) {
      held.push(frames);
      await s.answer();
    }
  })();
  return s;
}

function outbox(t: TestContext, endpoint: string, warnings: string[] = []): Outbox {
  const o = new Outbox({
    endpoint, giveUpMs: 10_000, onFailure: () => {},
    screen: { notice: () => {}, warning: (text) => warnings.push(text), pending: () => {} },
    compact: () => true, window: () => 8,
  });
  t.after(() => o.close());
  return o;
}

const post = (i: number): Post => ({ id: `s1-${i}`, channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say", body: `line ${i}` });

/** Whether `p` has settled by the time the event loop has gone round a few times. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise(setImmediate);
  return done;
}

test(`input waits while ${QUEUE_AHEAD} lines wait for the server, goes on once half are taken, and every line is posted once, in order`, async (t) => {
  const server = await holdingServer(t);
  const box = outbox(t, server.endpoint);
  assert.equal(await settled(box.room()), true, "room while the queue is short");
  for (let i = 1; i <= QUEUE_AHEAD; i++) box.send(post(i));
  let pendingAtWake = -1;
  const room = box.room().then(() => (pendingAtWake = box.pending));
  assert.equal(await settled(room), false, "no room with the queue full and nothing taken");

  server.answerable = QUEUE_AHEAD / 2 - 1;
  await server.answer();
  await new Promise<void>((resolve) => {
    const poll = () => (server.taken.length === QUEUE_AHEAD / 2 - 1 ? resolve() : setImmediate(poll));
    poll();
  });
  assert.equal(await settled(room), false, "one short of half taken: still no room");

  server.answerable = QUEUE_AHEAD / 2;
  await server.answer();
  await room;
  assert.equal(pendingAtWake, QUEUE_AHEAD / 2);

  for (let i = QUEUE_AHEAD + 1; i <= QUEUE_AHEAD + 100; i++) box.send(post(i));
  server.answerable = Infinity;
  await server.answer();
  await box.idle();
  assert.deepEqual(server.taken, Array.from({ length: QUEUE_AHEAD + 100 }, (_, i) => `s1-${i + 1}`));
});

test("with the server not answering, input is not held back: the lines are kept, as typed lines are in an outage", async (t) => {
  const server = await holdingServer(t);
  const warnings: string[] = [];
  const box = outbox(t, server.endpoint, warnings);
  for (let i = 1; i <= QUEUE_AHEAD; i++) box.send(post(i));
  const room = box.room();
  assert.equal(await settled(room), false);
  await room; // once the requester gives up waiting for an answer (attemptMs)
  assert.deepEqual(warnings, [`the server at ${server.endpoint} is not answering; ${QUEUE_AHEAD} messages are kept and will be sent when it is back`]);
  assert.equal(await settled(box.room()), true, "room for more during the outage");
  assert.equal(box.pending, QUEUE_AHEAD);
});

test("stopping (Ctrl-C) ends input's wait for room", async (t) => {
  const server = await holdingServer(t);
  const box = outbox(t, server.endpoint);
  for (let i = 1; i <= QUEUE_AHEAD; i++) box.send(post(i));
  const room = box.room();
  assert.equal(await settled(room), false);
  box.stop();
  await room;
});
