/**
 * The feed against a real server (in-process), seen through a lossy relay:
 * an XSUB/XPUB pair between server and feed that drops the publications a
 * test picks, the way a high-water mark or a reconnect would. Subscriptions
 * pass through it upstream, so sync events and heartbeats work as usual.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { XPublisher, XSubscriber } from "zeromq";
import type { TestContext } from "node:test";
import { decodePublication, encodePost, type ChatMessage } from "../../protocol/index.js";
import { ALL } from "../../protocol/limits.js";
import { ReliableRequester } from "../../transport/requester.js";
import { PATIENCE_MS } from "../../testing/processes.js";
import { PARTS } from "../../parts.js";
import { startChatServer, type ChatServer } from "../../server/chat-server.js";
import { Queries } from "../queries.js";
import { Feed, type FeedNotice } from "./feed.js";

async function server(t: TestContext, endpoints = { post: "tcp://127.0.0.1:0", pub: "tcp://127.0.0.1:0" }): Promise<ChatServer> {
  const start = () => startChatServer({ ...endpoints, features: PARTS[4], rate: 0, heartbeatMs: 100, print: () => {} });
  let s: ChatServer | undefined;
  /*
   * A restart on the ports of a server closed in this process: libzmq's I/O
   * thread closes the old listener a moment after close() returns (zmq_close
   * and zmq_unbind only ask it to), so the port may still be taken. Wait for it.
   */
  for (const until = Date.now() + PATIENCE_MS; s === undefined;) {
    try {
      s = await start();
    } catch (err) {
      if ((err as { code?: string }).code !== "EADDRINUSE" || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const started = s;
  t.after(() => started.close());
  return started;
}

/** Relays publications from `upstream`, dropping once each message whose gseq is in `drop`. */
async function lossyRelay(t: TestContext, upstream: string, drop: Set<number>): Promise<string> {
  const xsub = new XSubscriber({ linger: 0 });
  const xpub = new XPublisher({ linger: 0 });
  xpub.verbosity = "allSubsUnsubs";
  await xpub.bind("tcp://127.0.0.1:0");
  xsub.connect(upstream);
  const stop = () => {
    if (!xsub.closed) xsub.close();
    if (!xpub.closed) xpub.close();
  };
  t.after(stop);
  const pass = async (from: AsyncIterable<Buffer[]>, to: { send(m: Buffer[]): Promise<void> }, keep: (m: Buffer[]) => boolean) => {
    try {
      for await (const m of from) if (keep(m)) await to.send(m);
    } catch (err) {
      if (!xsub.closed) throw err;
    }
  };
  void pass(xpub, xsub, () => true);
  void pass(xsub, xpub, (frames) => {
    const p = decodePublication(frames);
    return !(p.type === "message" && drop.delete(p.message.gseq));
  });
  return xpub.lastEndpoint!;
}

interface Seen {
  shown: { m: ChatMessage; history: boolean }[];
  notices: FeedNotice[];
  /** Resolves once `ok()` holds, checked after every message and notice. */
  until(ok: () => boolean, what: string): Promise<void>;
}

function startFeed(t: TestContext, pub: string, post: string, history = 0): { feed: Feed; seen: Seen } {
  const queries = new ReliableRequester({ endpoint: post });
  let waiters: { ok: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    waiters = waiters.filter((w) => !w.ok() || (w.resolve(), false));
  };
  const seen: Seen = {
    shown: [],
    notices: [],
    until: (ok, what) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not within ${PATIENCE_MS} ms: ${what}; shown ${JSON.stringify(seen.shown.map((s) => s.m.body))}`)), PATIENCE_MS);
      waiters.push({ ok, resolve: () => { clearTimeout(timer); resolve(); } });
      check();
    }),
  };
  const feed = new Feed({
    pub,
    queries: new Queries(queries),
    history,
    onMessage: (m, fromHistory) => {
      seen.shown.push({ m, history: fromHistory });
      check();
    },
    onNotice: (n) => {
      seen.notices.push(n);
      check();
    },
  });
  t.after(async () => {
    queries.close();
    feed.close();
    await feed.closed();
  });
  return { feed, seen };
}

/** Posts each [channel, body] in turn, waiting for every ack. */
async function postAll(t: TestContext, endpoint: string, posts: [string, string][], ids = posts.map(([, body]) => body)): Promise<void> {
  const r = new ReliableRequester({ endpoint });
  t.after(() => r.close());
  for (const [i, [channel, body]] of posts.entries()) {
    const reply = await r.request(encodePost({ id: ids[i]!, channel, user: "amy", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body }));
    assert.equal(reply[0]!.toString(), "ok", `post ${body}: ${reply.map(String).join(" ")}`);
  }
}

const numbered = (n: number, channel = (i: number) => (i % 2 ? "dev" : "ops")): [string, string][] =>
  Array.from({ length: n }, (_, i) => [channel(i + 1), `m${i + 1}`]);

test("ALL: messages lost on the way are fetched from history: each shown once, in order", async (t) => {
  const s = await server(t);
  const pub = await lossyRelay(t, s.pubEndpoint!, new Set([3, 4, 7]));
  const { feed, seen } = startFeed(t, pub, s.postEndpoint);
  await feed.follow(ALL);
  await postAll(t, s.postEndpoint, numbered(8));
  await seen.until(() => seen.shown.length >= 8, "8 messages shown");
  assert.deepEqual(seen.shown.map((x) => x.m.gseq), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(seen.shown.every((x) => !x.history), "gap fills are not history");
  assert.deepEqual(seen.notices.filter((n) => n.type === "lost"), []);
});

test("a loss at the end of a burst is noticed from the heartbeat", async (t) => {
  const s = await server(t);
  const pub = await lossyRelay(t, s.pubEndpoint!, new Set([4, 5]));
  const { feed, seen } = startFeed(t, pub, s.postEndpoint);
  await feed.follow(ALL);
  await postAll(t, s.postEndpoint, numbered(5));
  // Nothing live follows message 5: only the heartbeat's gseq can reveal 4 and 5.
  await seen.until(() => seen.shown.length >= 5, "5 messages shown");
  assert.deepEqual(seen.shown.map((x) => x.m.body), ["m1", "m2", "m3", "m4", "m5"]);
});

test("one channel: gaps in its seq are filled, other channels never shown, a lost tail is found from the heartbeat's heads", async (t) => {
  const s = await server(t);
  // dev gets gseq 2, 3, 5 and 6 (its seq 1 to 4); drop its seq 2 (gseq 3) and its last, seq 4 (gseq 6).
  const posts = numbered(7, (i) => (i === 1 || i === 4 || i === 7 ? "ops" : "dev"));
  const pub = await lossyRelay(t, s.pubEndpoint!, new Set([3, 6]));
  const { feed, seen } = startFeed(t, pub, s.postEndpoint);
  await feed.follow("dev");
  await postAll(t, s.postEndpoint, posts);
  await seen.until(() => seen.shown.length >= 4, "dev's 4 messages");
  assert.deepEqual(seen.shown.map((x) => `${x.m.channel} ${x.m.seq} ${x.m.body}`), ["dev 1 m2", "dev 2 m3", "dev 3 m5", "dev 4 m6"]);
});

test("history on follow: the newest N flagged as history, then live messages, none twice", async (t) => {
  const s = await server(t);
  await postAll(t, s.postEndpoint, numbered(12, () => "dev"));
  const { feed, seen } = startFeed(t, s.pubEndpoint!, s.postEndpoint, 5);
  await feed.follow("dev");
  assert.deepEqual(seen.shown.map((x) => [x.m.body, x.history]), [["m8", true], ["m9", true], ["m10", true], ["m11", true], ["m12", true]]);
  assert.deepEqual(seen.notices.at(-1), { type: "ready", channel: "dev", history: 5 });
  await postAll(t, s.postEndpoint, [["dev", "live1"], ["dev", "live2"]]);
  await seen.until(() => seen.shown.length >= 7, "2 live messages");
  assert.deepEqual(seen.shown.slice(5).map((x) => [x.m.body, x.history]), [["live1", false], ["live2", false]]);
});

test("a server restarted without a store: the feed starts over, and a post retried after the restart is not shown twice", async (t) => {
  const first = await server(t);
  const endpoints = { post: first.postEndpoint, pub: first.pubEndpoint! };
  const { feed, seen } = startFeed(t, endpoints.pub, endpoints.post);
  await feed.follow(ALL);
  await postAll(t, endpoints.post, [["dev", "one"], ["dev", "two"]]);
  await seen.until(() => seen.shown.length >= 2, "two messages before the restart");
  await first.close();
  const second = await server(t, endpoints);
  // "two" again, with its id: a client whose ack was lost in the crash retries it.
  await postAll(t, endpoints.post, [["dev", "two"], ["dev", "three"]]);
  await seen.until(() => seen.shown.some((x) => x.m.body === "three"), "the message after the restart");
  assert.deepEqual(seen.shown.map((x) => `${x.m.body} #${x.m.gseq}`), ["one #1", "two #2", "three #2"]);
  assert.ok(seen.notices.some((n) => n.type === "restarted"));
  assert.equal(second.log.gseq, 2);
});
