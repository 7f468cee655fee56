import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { runToExit, startServer } from "../shared/testing/processes.js";

// A client pointed at the wrong thing says what it found, in one sentence, and exits 1.

test("a plain TCP service that hangs up is called what it is, not an encrypted server", async (t) => {
  const closer = createServer((c) => c.destroy());
  await new Promise<void>((resolve) => closer.listen(0, "127.0.0.1", resolve));
  t.after(() => closer.close());
  const port = String((closer.address() as { port: number }).port);
  const r = await runToExit(t, "part1/post_client.js", ["127.0.0.1", port, "kyle", "hi"]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [`the peer at tcp://127.0.0.1:${port} closed the connection during the handshake: is it this chat server, and are these its ports?`]);
});

test("a client given the post and pub ports the wrong way round says so instead of waiting for ever", async (t) => {
  const server = await startServer(t, "part4/mc_server.js");
  const r = await runToExit(t, "part4/mc_client.js", ["127.0.0.1", server.pubPort, server.postPort, "dev", "kyle"], "hi\n");
  assert.equal(r.code, 1);
  const said = r.err.filter((l) => !/^waiting for the server/.test(l));
  assert.equal(said.length, 1, r.err.join("\n"));
  assert.match(said[0]!, /^tcp:\/\/127\.0\.0\.1:\d+ is not the chat server's (post port \(it is a ZeroMQ XPUB|publish port \(it is a ZeroMQ ROUTER) socket\): are the post and pub ports swapped\?$/);
  assert.deepEqual(server.out.filter((l) => l.startsWith("[")), [], "nothing was posted");
});
