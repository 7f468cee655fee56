/**
 * The security property of issue 12, tested with CURVE off so that every
 * byte on the wire would be readable: a private (and a group) message's
 * body reaches its participants and nobody else. Eavesdroppers, each
 * recording every byte it receives for the whole test: a third logged-in
 * account asking for its inbox and others' conversations; a SUB subscribed
 * to everything ("" and every topic we could think of); a client without a
 * login; one with a logged-out (stale) token and one with a made-up token;
 * a DEALER presenting the victim's routing id while the victim is
 * connected; and a held inbox poll of the victim whose login is revoked
 * before the message is sent. None may hold the body's bytes, nor may the
 * server's --log (with --log-bodies) or its output.
 *
 * Checked to fail when delivery leaks: publishing the inbox items on PUB
 * (or answering a woken poll without checking its token again) makes the
 * SUB (or the revoked poll) hold the body, and the test fails.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Subscriber } from "zeromq";
import { channelTopic, syncTopic } from "../shared/protocol/index.js";
import { PATIENCE_MS, startServer, type ServerProc } from "../shared/testing/processes.js";
import { answer, ask, control, dealer } from "../shared/testing/raw-client.js";
import { account, inbox, msg, PASSWORD, poll } from "../shared/testing/private-client.js";

const SERVER = "part4/mc_server.js";
const STALE = ["err", "auth-failed", "your login is unknown, expired or revoked: log in again"];

/** A DEALER that records every frame it receives, and counts its replies. */
function spy(t: TestContext, server: ServerProc, heard: Map<string, Buffer[]>, label: string, routingId?: string) {
  const d = new Dealer({ linger: 0, ...(routingId === undefined ? {} : { routingId }) });
  const got: Buffer[] = [];
  heard.set(label, got);
  let replies = 0;
  let wake: (() => void) | undefined;
  const handshake = new Promise<void>((resolve) => {
    void (async () => {
      for await (const e of d.events) if (e.type === "handshake") resolve();
    })().catch(() => {});
  });
  d.connect(server.post);
  t.after(() => void (d.closed || d.close()));
  void (async () => {
    for await (const frames of d) {
      got.push(...frames);
      replies++;
      wake?.();
    }
  })().catch(() => {});
  return {
    handshake,
    /** Sends requests one after another, without waiting for their replies. */
    async send(...requests: [string, object][]) {
      for (const [op, body] of requests) await d.send(["", op, JSON.stringify(body)]);
    },
    /** Waits until `count` replies came in all. */
    async until(count: number) {
      const started = Date.now();
      while (replies < count) {
        assert.ok(Date.now() - started < PATIENCE_MS, `${label}: ${replies} replies of ${count}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    get replies() {
      return replies;
    },
  };
}

/** Every request a snoop without the right login might try, with `token` if any. */
const snooping = (token?: string): [string, object][] => {
  const tk = token === undefined ? {} : { token };
  return [
    ["inbox", { ...tk }], ["inbox", { ...tk, after: 0 }], ["inbox", { ...tk, after: 0, waitMs: 0 }],
    ["conversation", { ...tk, with: "zoe", limit: 100 }], ["conversation", { ...tk, with: "kyle", limit: 100 }],
    ["conversation", { ...tk, with: "ops", after: 0, limit: 100 }], ["group", { ...tk, action: "members", name: "ops" }],
    ["groups", { ...tk }], ["history", { channel: "ALL", limit: 100 }], ["history", { channel: "general", limit: 100 }],
  ];
};

test("a private and a group message's body reaches its participants and no other socket, login or log, CURVE off", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mchat-snoop-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logFile = join(dir, "server.log");
  const server = await startServer(t, SERVER, ["--log", logFile, "--log-bodies"]);
  const secret = randomBytes(24).toString("hex");
  const heard = new Map<string, Buffer[]>();

  const d = dealer(t, server);
  const kt = await account(d, "kyle");
  const zt1 = await account(d, "zoe");
  const et = await account(d, "eve");
  const mt = await account(d, "mallory");
  answer(await control(d, "logout", { token: mt }));
  answer(await control(d, "group", { token: kt, action: "create", name: "ops", users: ["zoe"] }));

  // The SUB, live once its sync event came.
  const sub = new Subscriber({ linger: 0 });
  heard.set("SUB", []);
  for (const topic of ["", "\0", "\0hb", "\0presence", "ALL", "general", "zoe", "kyle", "ops", "msg", "inbox", "\0sync-", "\x01"]) sub.subscribe(topic);
  for (const ch of ["general", "dev", "zoe", "kyle", "ops", "ALL"]) sub.subscribe(channelTopic(ch));
  sub.subscribe(syncTopic("snoop"));
  sub.connect(server.pub!);
  t.after(() => void (sub.closed || sub.close()));
  let synced!: () => void;
  const live = new Promise<void>((resolve) => (synced = resolve));
  let sentinel!: () => void;
  const sentinelSeen = new Promise<void>((resolve) => (sentinel = resolve));
  void (async () => {
    for await (const frames of sub) {
      heard.get("SUB")!.push(...frames);
      if (frames[0]!.toString("latin1") === syncTopic("snoop")) synced();
      if (frames.some((f) => f.toString("utf8") === "sentinel after the secret")) sentinel();
    }
  })().catch(() => {});
  await live;

  // A held poll of zoe's whose login is revoked from another connection: answered auth-failed at once, and nothing after.
  const revoked = spy(t, server, heard, "revoked poll");
  await revoked.send(["inbox", { token: zt1, after: 1, waitMs: 25_000 }]);
  await new Promise((resolve) => setImmediate(resolve));
  answer(await control(d, "logout", { token: zt1 }));
  await revoked.until(1);
  assert.deepEqual(heard.get("revoked poll")!.map(String), ["", ...STALE]);

  // Zoe logs in again; her poll socket has a routing id of its own, which an attacker then presents too.
  const zt = answer(await control(d, "login", { user: "zoe", password: PASSWORD })).token as string;
  const zoeBox = new Dealer({ linger: 0, routingId: "zoe-box", receiveTimeout: PATIENCE_MS });
  zoeBox.connect(server.post);
  t.after(() => void (zoeBox.closed || zoeBox.close()));
  assert.equal((await inbox(zoeBox, zt, 1)).head, 1, "zoe's box is connected (the group notice is there)");
  const attacker = spy(t, server, heard, "same routing id", "zoe-box");
  await attacker.handshake;
  await attacker.send(["inbox", {}], ["inbox", { token: zt1, after: 0 }]);

  const eve = spy(t, server, heard, "eve (third account)");
  await eve.send(["inbox", { token: et, after: 0, waitMs: 25_000 }]);
  const anonymous = spy(t, server, heard, "no login");
  const stale = spy(t, server, heard, "stale token");
  const wrong = spy(t, server, heard, "made-up token");

  // The messages.
  const zoeHeld = await poll(zoeBox, zt, 1, 25_000);
  answer(await msg(d, kt, "zoe", secret));
  answer(await msg(d, kt, "ops", `to the group: ${secret}`));
  const got = await zoeHeld.answer();
  const more = await inbox(zoeBox, zt, got.items.at(-1)!.m);
  const bodies = [...got.items, ...more.items].map((i) => (i.type === "msg" ? i.body : ""));
  assert.ok(bodies.includes(secret), "zoe got the private message (so the test can see a body when there is one)");
  assert.ok((await inbox(d, kt, 1)).items.some((i) => i.type === "msg" && i.body === `to the group: ${secret}`), "kyle got the group message");

  // Everything the snoops can try, after the messages were sent.
  await eve.send(...snooping(et));
  await anonymous.send(...snooping(), ["msg", { id: "x", to: "zoe", body: "hi" }]);
  await stale.send(...snooping(mt));
  await wrong.send(...snooping(randomBytes(32).toString("hex")));
  await attacker.send(["inbox", { token: zt }], ["conversation", { token: zt, with: "kyle", limit: 100 }]);
  await Promise.all([eve.until(snooping().length), anonymous.until(snooping().length + 1), stale.until(snooping().length), wrong.until(snooping().length)]);
  await revoked.send(["inbox", { token: zt1, after: 0 }]);
  await revoked.until(2);
  // A post after the messages: once the SUB has it, anything published before it has come too.
  assert.equal((await ask(d, ["post", "sentinel", "general", "eve", new Date().toISOString(), "say", "sentinel after the secret", et]))[0], "ok");
  await sentinelSeen;
  assert.equal(attacker.replies, 0, "the socket presenting a routing id in use gets no reply at all");

  for (const [label, frames] of heard) {
    assert.ok(!Buffer.concat(frames).includes(secret), `${label} received the private body`);
  }
  assert.ok(heard.get("eve (third account)")!.length > 0 && heard.get("SUB")!.length > 0, "the snoops did hear things");

  server.kill("SIGINT");
  assert.equal(await server.exit, 0);
  const log = readFileSync(logFile, "utf8");
  assert.match(log, /"event":"msg","from":"kyle","to":"zoe","seq":1/, "the log records that a message was sent");
  assert.match(log, /"body":"sentinel after the secret"/, "and, with --log-bodies, channel bodies");
  assert.ok(!log.includes(secret), "the server's --log never holds a private body");
  assert.ok(![...server.out, ...server.err].some((l) => l.includes(secret)), "nor does the server's output");
});
