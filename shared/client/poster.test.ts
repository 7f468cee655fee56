/**
 * The post queue against a server that answers nonsense: the bad answer
 * ends that one post with a reason the person can read, and the posts
 * queued behind it still go out, in order. (An error the queue did not
 * expect once escaped as an unhandled rejection and killed the client with
 * a stack trace.) Real sockets: a ROUTER in this process plays the server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Router } from "zeromq";
import { decodeAnswer, encodeControl, encodeControlAnswer, encodeError, postWindow, takesCompactPost, type Post } from "../protocol/index.js";
import { ReliableRequester } from "../transport/requester.js";
import { PipelinedRequester } from "../transport/pipelined-requester.js";
import { PostOrder } from "../server/post-order.js";
import { Poster, type PostResult } from "./poster.js";

test("a malformed ack fails its post with a sentence, and the queue behind it goes on", async (t) => {
  const server = new Router({ linger: 0 });
  t.after(() => server.close());
  await server.bind("tcp://127.0.0.1:0");
  const requester = new ReliableRequester({ endpoint: server.lastEndpoint! });
  t.after(() => requester.close());

  // First post: an "ok" without numbers. Then proper acks, numbered 1, 2, ...
  void (async () => {
    let n = 0;
    for await (const [identity, empty] of server) {
      await server.send(n++ === 0 ? [identity!, empty!, "ok", "seven"] : [identity!, empty!, "ok", String(n - 1), String(n - 1)]);
    }
  })();

  const results: PostResult[] = [];
  const poster = new Poster(requester, (r) => results.push(r));
  t.after(() => poster.close());
  const post = (id: string, body: string): Post => ({ id, channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say", body });
  poster.send(post("a-1", "first"));
  poster.send(post("a-2", "second"));
  poster.send(post("a-3", "third"));
  await poster.idle();

  assert.deepEqual(results.map((r) => ("error" in r ? `${r.post.body}: ${r.reason}` : "seq" in r ? `${r.post.body}: #${r.seq}` : "?")), [
    "first: invalid reply: is not a valid reply (2 frames)",
    "second: #1",
    "third: #2",
  ]);
  assert.equal(poster.pending, 0);
});

/** How fakeServer answers: its hello answer, the post forms it takes, and the numbers of the nth post it takes. */
interface FakeServer {
  hello: object;
  takes?: readonly string[];
  ack?: (n: number) => [seq: string, gseq: string];
}

/* A server in this process: answers hello, acks each post in a form it takes, refuses anything else as an old server would; records the posts' frames. */
async function fakeServer(t: { after: (fn: () => void) => void }, o: FakeServer): Promise<{ endpoint: string; posts: string[][] }> {
  const { hello, takes = ["post"], ack = (n) => [String(n), "1"] } = o;
  const server = new Router({ linger: 0 });
  t.after(() => server.close());
  await server.bind("tcp://127.0.0.1:0");
  const posts: string[][] = [];
  void (async () => {
    for await (const [identity, empty, ...request] of server) {
      const frames = request.map((f) => f.toString());
      if (frames[0] === "hello") await server.send([identity!, empty!, ...encodeControlAnswer(hello)]);
      else if (takes.includes(frames[0]!)) await server.send([identity!, empty!, "ok", ...ack(posts.push(frames))]);
      else await server.send([identity!, empty!, ...encodeError("bad-request", `'${frames[0]}' is not a known request`)]);
    }
  })();
  return { endpoint: server.lastEndpoint!, posts };
}

/** A poster that said hello to fakeServer(o) and takes the compact form as its answer says; its results, and the posts the server took. */
async function posterAfterHello(t: { after: (fn: () => void) => void }, o: FakeServer, token?: string) {
  const { endpoint, posts } = await fakeServer(t, o);
  const requester = new ReliableRequester({ endpoint });
  t.after(() => requester.close());
  const answer = decodeAnswer("hello", await requester.request(encodeControl({ op: "hello", hello: { session: "s1", user: "amy", channels: ["dev"] } })));
  const results: PostResult[] = [];
  const poster = new Poster(requester, (r) => results.push(r), () => token, () => takesCompactPost(answer));
  t.after(() => poster.close());
  return { poster, results, posts };
}

test("against a server whose hello answer has no posts field, posts go in the 7-frame form", async (t) => {
  const { poster, results, posts } = await posterAfterHello(t, { hello: { epoch: "e1", heartbeatMs: 1000, presenceMs: 10_000, accounts: "open" } });
  poster.send({ id: "s1-1", channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say", body: "hi" });
  await poster.idle();
  assert.deepEqual(results.map((r) => ("seq" in r ? `#${r.seq}` : "error" in r ? r.reason : "?")), ["#1"]);
  assert.deepEqual(posts, [["post", "s1-1", "dev", "amy", "2026-01-31T22:00:00.000Z", "say", "hi"]]);
});

test("after a hello answer with posts: 2, posts go compact, the token as the fourth frame", async (t) => {
  const token = "ab".repeat(32);
  const hello = { epoch: "e1", heartbeatMs: 1000, presenceMs: 10_000, posts: 2 };
  const { poster, results, posts: received } = await posterAfterHello(t, { hello, takes: ["post2"], ack: () => ["7", "9"] }, token);
  poster.send({ id: "s1-1", channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "me", body: "waves" });
  await poster.idle();
  assert.deepEqual(results.map((r) => ("seq" in r ? `#${r.seq}` : "?")), ["#7"]);
  assert.deepEqual(received.at(-1), ["post2", "s1-1 dev amy 2026-01-31T22:00:00.000Z me", "waves", token]);
});

test("a compact post refused as bad-request (a server moved to that does not know the form) goes again in the 7-frame form, once, with the same id", async (t) => {
  /* Its hello answer says posts: 2 (the server moved from), but this one answers post2 with bad-request. */
  const { poster, results, posts } = await posterAfterHello(t, { hello: { epoch: "e1", heartbeatMs: 1000, presenceMs: 10_000, posts: 2 } });
  poster.send({ id: "s1-1", channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say", body: "hi" });
  poster.send({ id: "s1-2", channel: "dev", user: "amy", time: "2026-01-31T22:00:01.000Z", kind: "say", body: "there" });
  await poster.idle();
  assert.deepEqual(results.map((r) => ("seq" in r ? `#${r.seq}` : "error" in r ? r.reason : "?")), ["#1", "#2"]);
  assert.deepEqual(posts, [
    ["post", "s1-1", "dev", "amy", "2026-01-31T22:00:00.000Z", "say", "hi"],
    ["post", "s1-2", "dev", "amy", "2026-01-31T22:00:01.000Z", "say", "there"],
  ]);
});

test("with a window of 8, eight posts are in flight at once, each naming the one before; one refused for now goes again with those behind it, in order", async (t) => {
  /*
   * The server: holds its answers until eight posts are in (the window, all sent before any answer),
   * refuses s1-3 once with slow-down, and what came behind it out-of-order by the server's own rule
   * (PostOrder); takes everything else, numbering in the order taken.
   */
  const server = new Router({ linger: 0 });
  t.after(() => server.close());
  await server.bind("tcp://127.0.0.1:0");
  const order = new PostOrder();
  const taken: string[] = [];
  const arrived: string[] = [];
  let refusedOnce = false;
  void (async () => {
    const held: Buffer[][] = [];
    for await (const frames of server) {
      const [, empty, op, meta] = frames.map(String);
      if (op === "hello") {
        await server.send([frames[0]!, empty!, ...encodeControlAnswer({ epoch: "e1", heartbeatMs: 1000, presenceMs: 10_000, posts: 2, window: 8 })]);
        continue;
      }
      arrived.push(meta!.split(" ").filter((_, i) => i === 0 || i === 5).join(" after "));
      held.push(frames);
      if (taken.length === 0 && held.length < 8) continue;
      for (const f of held.splice(0)) {
        const [id, , , , , after] = String(f[3]).split(" ");
        let reply: string[];
        if (order.blocks(f[0]!, after)) reply = encodeError("out-of-order", "behind a refused one");
        else if (id === "s1-3" && !refusedOnce) {
          refusedOnce = true;
          order.refused(f[0]!);
          reply = encodeError("slow-down", "wait", 10);
        } else reply = ["ok", String(taken.push(id!)), "1"];
        await server.send([f[0]!, f[1]!, ...reply]);
      }
    }
  })();
  const requester = new PipelinedRequester({ endpoint: server.lastEndpoint! });
  t.after(() => requester.close());
  const answer = decodeAnswer("hello", await requester.request(encodeControl({ op: "hello", hello: { session: "s1", user: "amy", channels: ["dev"] } })));
  const results: PostResult[] = [];
  const poster = new Poster(requester, (r) => results.push(r), () => undefined, () => takesCompactPost(answer), () => postWindow(answer));
  t.after(() => poster.close());
  const ids = Array.from({ length: 12 }, (_, i) => `s1-${i + 1}`);
  for (const id of ids) poster.send({ id, channel: "dev", user: "amy", time: "2026-01-31T22:00:00.000Z", kind: "say", body: id });
  await poster.idle();

  assert.deepEqual(results.map((r) => ("seq" in r ? `${r.post.id} #${r.seq}` : "error" in r ? r.reason : "?")), ids.map((id, i) => `${id} #${i + 1}`));
  assert.deepEqual(taken, ids, "recorded in the order sent");
  assert.deepEqual(arrived.slice(0, 8), ["s1-1", ...ids.slice(1, 8).map((id, i) => `${id} after ${ids[i]}`)], "the first eight before any answer, each naming the one before");
  // s1-1 and s1-2 answered make room for s1-9 and s1-10 (refused too, behind s1-3); once every answer is in:
  // s1-3 again (its predecessor answered: no `after`), those behind it in order, then the rest.
  const named = (from: number, to: number) => ids.slice(from - 1, to).map((id) => `${id} after s1-${Number(id.slice(3)) - 1}`);
  assert.deepEqual(arrived.slice(8), [...named(9, 10), "s1-3", ...named(4, 12)]);
});
