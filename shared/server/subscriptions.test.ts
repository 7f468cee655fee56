/**
 * The subscription reader keeps a receive waiting on the XPUB only while
 * the server publishes little: with a stand-in socket whose receives, and
 * a busy reader's pauses, the test settles itself, so nothing depends on
 * timing. Then, with a real server flooded by a pipelined poster, a new
 * subscriber's sync event still comes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Subscriber } from "zeromq";
import { decodePublication, encodeCompactPost, syncTopic } from "../protocol/index.js";
import { PARTS } from "../parts.js";
import { PATIENCE_MS } from "../testing/processes.js";
import { startChatServer } from "./chat-server.js";
import { SubscriptionReader, type SubscriptionSocket } from "./subscriptions.js";

/** A stand-in XPUB: each receive is a promise the test settles, or a message the test made ready. */
class StandIn implements SubscriptionSocket {
  closed = false;
  receiveTimeout = -1;
  /** Messages that a receive gets at once, and that make the socket readable. */
  ready: Buffer[][] = [];
  receives: { resolve: (m: Buffer[]) => void; reject: (e: Error) => void }[] = [];
  readableAsked = 0;
  get readable(): boolean {
    this.readableAsked++;
    return this.ready.length > 0;
  }
  receive(): Promise<Buffer[]> {
    const next = this.ready.shift();
    if (next) return Promise.resolve(next);
    return new Promise((resolve, reject) => this.receives.push({ resolve, reject }));
  }
}

const sub = (topic: string) => Buffer.concat([Buffer.of(1), Buffer.from(topic)]);
const timedOut = () => Object.assign(new Error("Operation timed out"), { code: "EAGAIN" });
const turns = () => new Promise((resolve) => setImmediate(resolve));

test("a reader waits for subscriptions while quiet, looks for them on each pause while publishing, and waits again once publishing stops", async () => {
  const socket = new StandIn();
  const taken: string[] = [];
  const pauses: (() => void)[] = [];
  const reader = new SubscriptionReader(socket, (f) => taken.push(f.subarray(1).toString()), {
    waitMs: 100, busyAfter: 8, checkMs: 5,
    pause: () => new Promise<void>((resolve) => pauses.push(resolve)),
  });
  assert.equal(socket.receiveTimeout, 100, "a quiet wait lasts at most waitMs");
  const running = reader.run();

  // Quiet: a receive waits, and a subscription is taken when it comes.
  await turns();
  assert.equal(socket.receives.length, 1);
  socket.receives.shift()!.resolve([sub("a")]);
  await turns();
  assert.deepEqual(taken, ["a"]);
  assert.equal(socket.receives.length, 1, "quiet again: the next receive waits");

  // Fewer than busyAfter publications during a wait: still quiet.
  for (let i = 0; i < 7; i++) reader.published();
  socket.receives.shift()!.reject(timedOut());
  await turns();
  assert.equal(socket.receives.length, 1);
  assert.equal(pauses.length, 0);

  // busyAfter publications during a wait: no receive waits any more; the reader pauses instead.
  for (let i = 0; i < 8; i++) reader.published();
  socket.receives.shift()!.reject(timedOut());
  await turns();
  assert.equal(socket.receives.length, 0, "busy: no receive waits");
  assert.equal(pauses.length, 1);

  // A subscription that came meanwhile is read after the pause, without waiting.
  socket.ready.push([sub("b")]);
  reader.published();
  pauses.shift()!();
  await turns();
  assert.deepEqual(taken, ["a", "b"]);
  assert.equal(socket.receives.length, 0, "still busy: published since the last pause");
  assert.equal(pauses.length, 1);

  // A pause with nothing published: quiet again, and a receive waits.
  const asked = socket.readableAsked;
  pauses.shift()!();
  await turns();
  assert.equal(socket.readableAsked, asked + 1, "one readiness check per pause");
  assert.equal(pauses.length, 0);
  assert.equal(socket.receives.length, 1);

  // Closing ends the reader.
  socket.closed = true;
  socket.receives.shift()!.reject(new Error("Socket is closed"));
  await running;
});

test("a subscriber that joins while the server is flooded with posts gets its sync event", async (t) => {
  const server = await startChatServer({
    post: "tcp://127.0.0.1:0", pub: "tcp://127.0.0.1:0", features: PARTS[4], rate: 0, print: () => {},
  });
  t.after(() => server.close());
  const poster = new Dealer({ linger: 0 });
  t.after(() => poster.close());
  poster.connect(server.postEndpoint);
  /* Compact posts, as the chat client sends them, several hundred in flight; the replies are read and dropped. */
  let flooding = true;
  const flood = (async () => {
    for (let n = 0; flooding; n++) {
      const post = { id: `flood-${n}`, channel: "bench", user: "flooder", time: new Date().toISOString(), kind: "say" as const, body: "x".repeat(100) };
      await poster.send(["", ...encodeCompactPost(post)]);
      if (n % 256 === 255) await poster.receive();
    }
  })();
  t.after(async () => {
    flooding = false;
    await flood.catch(() => {});
  });
  // Posts are being recorded, so the server publishes while the subscriber joins.
  while (server.log.gseq < 1000) await turns();

  const subscriber = new Subscriber({ linger: 0, receiveTimeout: PATIENCE_MS });
  t.after(() => subscriber.close());
  subscriber.connect(server.pubEndpoint!);
  subscriber.subscribe(syncTopic("joined-late"));
  const p = decodePublication(await subscriber.receive());
  assert.ok(p.type === "heartbeat" && p.sync === "joined-late", `a sync event, not ${p.type}`);
  const recorded = server.log.gseq;
  assert.ok(flooding && recorded > 1000);
  // Still flooding: the sync came while posts went on being recorded and published.
  while (server.log.gseq === recorded) await turns();
});
