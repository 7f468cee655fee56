import { test } from "node:test";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { Dealer, Router } from "zeromq";
import { runToExit, startServer } from "../shared/testing/processes.js";

// A hostile or broken server: every control answer a client shows is validated like a publication.

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const ESC = "\x1b";

/** Answers a tampering proxy puts in place of the real server's, by request op. */
const FORGED: Record<string, object> = {
  who: { users: [{ user: `${ESC}[2Jmallory`, since: "2026-01-31T22:00:00Z" }, { user: "x".repeat(40), since: "2026-01-31T22:00:00Z" }] },
  channels: { channels: [{ name: "dev", messages: `many${ESC}]0;pwned\x07`, users: 1 }] },
  history: {
    epoch: "e",
    head: 1,
    messages: [{ id: "a", channel: "dev", user: "mallory", time: "2026-01-31T22:00:00Z", kind: "say", body: `${ESC}]0;pwned\x07`, epoch: "e", seq: 1, gseq: 1 }],
  },
};

/**
 * A ROUTER in front of a real server's post port, with one DEALER upstream
 * per client socket, that forwards every request and replaces the answers
 * to who, channels and /history (a history request with a limit other than
 * 0: the client's own join asks for none).
 */
async function tamperingProxy(t: TestContext, upstream: string): Promise<string> {
  const front = new Router({ linger: 0 });
  await front.bind("tcp://127.0.0.1:0");
  const dealers = new Map<string, Dealer>();
  t.after(() => {
    front.close();
    for (const d of dealers.values()) d.close();
  });
  const dealerFor = (id: Buffer): Dealer => {
    let d = dealers.get(id.toString("hex"));
    if (d) return d;
    const dealer = (d = new Dealer({ linger: 0 }));
    dealer.connect(upstream);
    dealers.set(id.toString("hex"), dealer);
    void (async () => {
      for await (const [, ...reply] of dealer) {
        const name = forging.get(dealer);
        forging.delete(dealer);
        await front.send([id, Buffer.alloc(0), ...(name ? ["ok", JSON.stringify(FORGED[name])] : reply)]);
      }
    })().catch(() => {});
    return d;
  };
  const forging = new Map<Dealer, string>();
  void (async () => {
    for await (const [id, , ...request] of front) {
      const name = request[0]?.toString() ?? "";
      const dealer = dealerFor(id!);
      if (name in FORGED && !(name === "history" && JSON.parse(request[1]!.toString()).limit === 0)) forging.set(dealer, name);
      await dealer.send([Buffer.alloc(0), ...request]);
    }
  })().catch(() => {});
  return front.lastEndpoint!.replace(/^.*:/, "");
}

test("answers to /who, /channels and /history that break the protocol are refused with one line; nothing of them reaches the screen", async (t) => {
  const server = await startServer(t, SERVER);
  const port = await tamperingProxy(t, server.post);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", port, server.pubPort, "dev", "kyle", "--history", "0"], "/who\n/channels\n/history 5\n");
  assert.equal(r.code, 0, r.err.join("\n"));
  const said = r.err.filter((l) => l.includes("malformed"));
  assert.deepEqual(said, [
    "the server sent a malformed answer to who (invalid user: contains whitespace, control or invisible characters); is it a chat server of this version?",
    "the server sent a malformed answer to channels (invalid messages: must be a whole number from 0 to 9007199254740991); is it a chat server of this version?",
    "the server sent a malformed answer to history (invalid body: contains control characters); is it a chat server of this version?",
  ]);
  const everything = [...r.out, ...r.err].join("\n");
  assert.ok(!everything.includes(ESC), "an escape sequence reached the output");
  assert.ok(!/mallory|pwned|many/.test(everything), everything);
});
