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
import type { Post } from "../protocol/index.js";
import { ReliableRequester } from "../transport/requester.js";
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
