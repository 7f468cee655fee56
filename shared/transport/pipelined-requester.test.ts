/**
 * The pipelined requester with real sockets: a ROUTER in this process plays
 * the server. Several requests are on the wire at once and each reply goes
 * to its request; a server that falls silent gets every unanswered request
 * again, in the order first sent, on a new socket.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Router } from "zeromq";
import { PipelinedRequester } from "./pipelined-requester.js";

async function router(t: { after: (fn: () => void) => void }): Promise<Router> {
  const server = new Router({ linger: 0 });
  t.after(() => server.close());
  await server.bind("tcp://127.0.0.1:0");
  return server;
}

test("five requests are on the wire before the first is answered, and each reply goes to its request", async (t) => {
  const server = await router(t);
  const requester = new PipelinedRequester({ endpoint: server.lastEndpoint! });
  t.after(() => requester.close());
  const seen: string[] = [];
  void (async () => {
    const held: Buffer[][] = [];
    for await (const frames of server) {
      held.push(frames);
      seen.push(frames.slice(2).map(String).join(" "));
      if (held.length < 5) continue;
      // All five are here, none answered yet: answer them in order, as the chat server does.
      for (const [identity, empty, ...request] of held.splice(0)) await server.send([identity!, empty!, "ok", `re ${request.map(String).join(" ")}`]);
    }
  })();
  const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => requester.request(["post", `p${n}`])));
  assert.deepEqual(replies.map((r) => r.map(String).join(" ")), ["ok re post p1", "ok re post p2", "ok re post p3", "ok re post p4", "ok re post p5"]);
  assert.deepEqual(seen, ["post p1", "post p2", "post p3", "post p4", "post p5"]);
});

test("a silent server gets every unanswered request again, in order, on a new socket; the outage and its end are told once", async (t) => {
  const server = await router(t);
  const statuses: boolean[] = [];
  const requester = new PipelinedRequester({ endpoint: server.lastEndpoint!, attemptMs: 200, onStatus: (up) => statuses.push(up) });
  t.after(() => requester.close());
  const identities: string[] = [];
  const seen: string[] = [];
  void (async () => {
    for await (const [identity, empty, ...request] of server) {
      const who = identity!.toString("hex");
      if (!identities.includes(who)) identities.push(who);
      seen.push(`${identities.indexOf(who)}:${request.map(String).join(" ")}`);
      // The first socket's requests are swallowed, as by a server that died holding them.
      if (identities.indexOf(who) > 0) await server.send([identity!, empty!, "ok", String(request[1])]);
    }
  })();
  const replies = await Promise.all(["a", "b", "c"].map((id) => requester.request(["post", id])));
  assert.deepEqual(replies.map((r) => r.map(String).join(" ")), ["ok a", "ok b", "ok c"]);
  assert.deepEqual(seen, ["0:post a", "0:post b", "0:post c", "1:post a", "1:post b", "1:post c"]);
  assert.deepEqual(statuses, [false, true]);
  assert.equal(requester.isReachable, true);
});
