/**
 * ReliableRequester.retryNow: a request whose reply will never come (the
 * server that held it is gone) is sent again at once on a new socket,
 * without waiting out its attempt and without reporting the server silent.
 * Real sockets: a ROUTER in this process plays a server that drops the
 * first request and answers the next.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Router } from "zeromq";
import { ReliableRequester } from "./requester.js";

test("retryNow resends the request in flight at once, on a new socket, and the silence is not reported", async (t) => {
  const server = new Router({ linger: 0 });
  t.after(() => server.close());
  await server.bind("tcp://127.0.0.1:0");
  const statuses: boolean[] = [];
  const requester = new ReliableRequester({ endpoint: server.lastEndpoint!, attemptMs: 60_000, onStatus: (up) => statuses.push(up) });
  t.after(() => requester.close());

  let first: () => void = () => {};
  const dropped = new Promise<void>((resolve) => (first = resolve));
  const identities = new Set<string>();
  void (async () => {
    let n = 0;
    for await (const [identity, empty, ...frames] of server) {
      identities.add(identity!.toString("hex"));
      if (n++ === 0) first(); // held forever, as by a server that then went away
      else await server.send([identity!, empty!, "ok", `answer to ${frames.map(String).join(" ")}`]);
    }
  })();

  const reply = requester.request(["inbox", "{}"]);
  await dropped;
  requester.retryNow();
  assert.deepEqual((await reply).map(String), ["ok", "answer to inbox {}"]);
  assert.equal(identities.size, 2, "sent again on a new socket");
  assert.deepEqual(statuses, [], "no outage reported");
  assert.equal(requester.isReachable, true);
});
