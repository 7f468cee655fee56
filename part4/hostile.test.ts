/**
 * Anything can arrive on an open port. Each test sends one kind of hostile
 * input to a real mc_server process (raw TCP garbage, well-formed messages
 * with bad content, oversized frames, a flood), checks what the sender gets
 * back, and then checks that ordinary clients still chat. Every wait is for
 * a reply, an event or an output line; PATIENCE_MS only bounds hangs.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket as TcpSocket } from "node:net";
import { readFileSync } from "node:fs";
import { Dealer, Subscriber, type Socket } from "zeromq";
import fc from "fast-check";
import { encodePost } from "../shared/protocol/index.js";
import { MAX_FRAME_BYTES } from "../shared/protocol/limits.js";
import { PATIENCE_MS, run, runToExit, startServer, TIME, type ServerProc } from "../shared/testing/processes.js";
import { dealer } from "../shared/testing/raw-client.js";
import { mutated, validRequest } from "../shared/testing/wire-arbitraries.js";

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const TIME_ISO = "2026-01-31T22:00:00.000-06:00";

/** Proof that the server still serves: bob, reading #dev, sees the line alice posts with mc_client. */
async function assertStillChats(t: TestContext, server: ServerProc, line: string): Promise<void> {
  const args = (name: string) => ["127.0.0.1", server.postPort, server.pubPort, "dev", name, "--history", "0"];
  const bob = run(t, CLIENT, args("bob"));
  await bob.line(/^connected to /, "err");
  const alice = await runToExit(t, CLIENT, args("alice"), `${line}\n`);
  assert.equal(alice.code, 0, alice.err.join("\n"));
  await bob.line(new RegExp(`^alice: ${line} \\(${TIME}\\)$`));
  bob.end();
  assert.equal(await bob.exit, 0);
}

/**
 * Opens a raw TCP connection to `port` and writes `data` (then half-closes,
 * if asked); resolves once written, with a promise of the server hanging up.
 * The connection is destroyed when the test ends.
 */
async function tcp(t: TestContext, port: string, data: Buffer, options: { halfClose?: boolean } = {}): Promise<{ socket: TcpSocket; closed: Promise<void> }> {
  const socket = connect({ host: "127.0.0.1", port: Number(port), allowHalfOpen: true });
  socket.on("error", () => {}); // the server may reset it: that is allowed
  socket.on("data", () => {}); // its greeting, read and ignored
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  t.after(() => void socket.destroy());
  await new Promise<void>((resolve) => socket.on("connect", resolve));
  await new Promise<void>((resolve) => (options.halfClose ? socket.end(data, resolve) : socket.write(data, () => resolve())));
  return { socket, closed };
}

/** Sends one request (with the empty delimiter a REQ socket would add) and returns the reply's frames as text. */
async function ask(d: Dealer, frames: (string | Buffer)[]): Promise<string[]> {
  await d.send(["", ...frames]);
  const [delimiter, ...reply] = await d.receive();
  assert.equal(delimiter!.length, 0, "the reply starts with the delimiter");
  return reply.map((f) => f.toString("utf8"));
}

/**
 * Resolves with the next monitor event of `type` on `socket`. The monitor
 * starts on first use: only events after this call are seen.
 */
function nextEvent(socket: Socket, type: "disconnect"): Promise<void> {
  return new Promise((resolve) => {
    const on = () => {
      socket.events.off(type, on);
      resolve();
    };
    socket.events.on(type, on);
  });
}

interface Watch {
  /** Topic and meta frame of everything published so far, as text. */
  topics: string[];
  /** Resolves once `count` of them match. */
  until(match: RegExp, count?: number): Promise<void>;
}

/** Everything a SUB socket subscribed to "" receives, once its subscription is known to be active. */
async function watchAll(t: TestContext, server: ServerProc): Promise<Watch> {
  const sub = new Subscriber({ linger: 0 });
  t.after(() => void (sub.closed || sub.close()));
  sub.subscribe("");
  sub.connect(server.pub!);
  const topics: string[] = [];
  let waiters: { match: RegExp; count: number; resolve: () => void; timer: NodeJS.Timeout }[] = [];
  const check = () => {
    waiters = waiters.filter((w) => {
      if (topics.filter((s) => w.match.test(s)).length < w.count) return true;
      clearTimeout(w.timer);
      w.resolve();
      return false;
    });
  };
  void (async () => {
    for await (const [topic, meta] of sub) {
      topics.push(`${topic!.toString("utf8")} ${meta?.toString("utf8") ?? ""}`);
      check();
    }
  })().catch(() => {});
  const until = (match: RegExp, count = 1) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${count} publications matching ${match} within ${PATIENCE_MS} ms; got ${JSON.stringify(topics)}`)), PATIENCE_MS);
    waiters.push({ match, count, resolve, timer });
    check();
  });
  // The server answers a "\0sync-<token>" subscription on that topic: from then on nothing is missed.
  sub.subscribe("\0sync-hostile");
  await until(/^\0sync-hostile /);
  return { topics, until };
}

/** CPU seconds the process has used (user + system). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/* Fixed "random" bytes: the same garbage every run, so a failure can be replayed. */
const NOISE = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
const HTTP = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\r\n");
/* A ZMTP 3 greeting cut short: signature and version, then nothing (or a NULL mechanism, then nothing). */
const GREETING_START = Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3]);
const GREETING_NULL = Buffer.concat([GREETING_START, Buffer.from([0]), Buffer.from("NULL"), Buffer.alloc(16)]);

test("random bytes, an HTTP request and truncated handshakes on both ports: the server keeps serving, without spinning", async (t) => {
  const server = await startServer(t, SERVER);
  for (const port of [server.postPort, server.pubPort]) {
    await tcp(t, port, NOISE);
    await tcp(t, port, HTTP);
    await tcp(t, port, GREETING_START);
    await tcp(t, port, GREETING_NULL);
    const cut = await tcp(t, port, GREETING_START.subarray(0, 3), { halfClose: true });
    const empty = await tcp(t, port, Buffer.alloc(0), { halfClose: true });
    // A peer that stops sending mid-greeting is hung up on; the others wait for libzmq's handshake timeout.
    await Promise.all([cut.closed, empty.closed]);
  }
  // The hanging half-handshakes are still open while ordinary clients chat.
  await assertStillChats(t, server, "still here");

  // No busy loop left behind: over the next two heartbeats (about 2 s) the
  // server uses a fraction of a core; one spinning would use all of one.
  const watch = await watchAll(t, server);
  const beats = watch.topics.filter((s) => s.startsWith("\0hb ")).length;
  const cpu = cpuSeconds(server.child.pid!);
  const started = performance.now();
  await watch.until(/^\0hb /, beats + 2);
  const used = cpuSeconds(server.child.pid!) - cpu;
  const elapsed = (performance.now() - started) / 1000;
  assert.ok(used < elapsed / 2, `the server used ${used.toFixed(2)} s of CPU in ${elapsed.toFixed(2)} s while idle`);
});

test("well-formed messages with bad content get an error code and a sentence; nothing is recorded, published or changed", async (t) => {
  const server = await startServer(t, SERVER);
  const watch = await watchAll(t, server);
  const d = dealer(t, server);
  const post = (fields: Partial<Record<"id" | "channel" | "user" | "time" | "kind" | "body", string | Buffer>>) => {
    const frames: (string | Buffer)[] = encodePost({ id: "m-1", channel: "dev", user: "mallory", time: TIME_ISO, kind: "say", body: "hi" });
    const index = { id: 1, channel: 2, user: 3, time: 4, kind: 5, body: 6 };
    for (const [field, value] of Object.entries(fields)) frames[index[field as keyof typeof index]] = value;
    return frames;
  };
  const hello = (h: object) => ["hello", JSON.stringify({ session: "s-1", user: "mallory", channels: ["dev"], ...h })];
  const cases: [(string | Buffer)[], string, string][] = [
    // wrong frame count, empty frames, unknown kinds of request
    [["post", "m-1", "dev"], "bad-request", "invalid request: 'post' needs 7 frames (8 with a login token), got 3"],
    [["who"], "bad-request", "invalid request: 'who' needs 2 frames, got 1"],
    [[""], "bad-request", "invalid request: '' needs 2 frames, got 1"],
    [["", ""], "bad-request", "invalid op: '' is not a known request"],
    [["post", "", "", "", "", "", ""], "bad-field", "invalid kind: must be say or me"],
    [["subscribe", "{}"], "bad-request", "invalid op: 'subscribe' is not a known request"],
    [post({ kind: "shout" }), "bad-field", "invalid kind: must be say or me"],
    // non-UTF-8, invalid JSON, invalid fields
    [post({ user: Buffer.from([0x6d, 0xff]) }), "bad-field", "invalid user: is not valid UTF-8"],
    [post({ body: Buffer.from([0x68, 0xc3]) }), "bad-field", "invalid body: is not valid UTF-8"],
    [["who", Buffer.from([0x7b, 0xff, 0x7d])], "bad-request", "invalid json: is not valid UTF-8"],
    [["who", "{channel: dev}"], "bad-request", "invalid json: is not valid JSON"],
    [["who", '["dev"]'], "bad-request", "invalid json: must be a JSON object"],
    [["history", '{"channel":"dev","limit":5000}'], "bad-field", "invalid limit: must be a whole number from 0 to 1000"],
    [post({ id: "" }), "bad-field", "invalid id: must be 1 to 64 printable ASCII characters without spaces"],
    [post({ time: "tomorrow" }), "bad-field", "invalid time: must be ISO 8601 with an offset, like 2026-01-31T22:00:00.000-06:00"],
    [post({ body: "" }), "bad-field", "invalid body: is empty"],
    [post({ body: "\x1b[2J\x1b[Hyou have been hacked" }), "bad-field", "invalid body: contains control characters"],
    // names and channels over the limits, ALL as a target
    [post({ user: "m".repeat(33) }), "bad-field", "invalid user: is longer than 32 characters"],
    [post({ channel: "🎉".repeat(33) }), "bad-field", "invalid channel: is longer than 32 characters"],
    [post({ user: "mal lory" }), "bad-field", "invalid user: contains whitespace, control or invisible characters"],
    [post({ body: "x".repeat(16 * 1024 + 1) }), "bad-field", "invalid body: is longer than 16384 bytes"],
    [post({ channel: "ALL" }), "read-only", "ALL is read-only: it shows every channel but cannot be posted to"],
    [post({ channel: "all" }), "read-only", "ALL is read-only: it shows every channel but cannot be posted to"],
    [post({ channel: "All" }), "read-only", "ALL is read-only: it shows every channel but cannot be posted to"],
    [post({ user: "aLL" }), "bad-field", "invalid user: 'aLL' is reserved for the view of every channel"],
    // A leading byte order mark is an invisible character like any other: refused, never stripped.
    [post({ user: "\ufeffkyle" }), "bad-field", "invalid user: contains whitespace, control or invisible characters"],
    [post({ channel: "\ufeffdev" }), "bad-field", "invalid channel: contains whitespace, control or invisible characters"],
    [["who", '\ufeff{"channel":"dev"}'], "bad-request", "invalid json: is not valid JSON"],
    [hello({ user: "\ufeffkyle" }), "bad-field", "invalid user: contains whitespace, control or invisible characters"],
    // a hello is checked whole before presence changes
    [hello({ user: "two words" }), "bad-field", "invalid user: contains whitespace, control or invisible characters"],
    [hello({ channels: ["dev", "all"] }), "bad-field", "invalid channel: 'all' is reserved; use ALL to read every channel"],
    [hello({ channels: Array.from({ length: 65 }, (_, i) => `c${i}`) }), "bad-field", "invalid channels: must be a list of at most 64 channel names"],
    [hello({ session: "" }), "bad-field", "invalid session: must be 1 to 64 printable ASCII characters without spaces"],
  ];
  for (const [frames, code, sentence] of cases) {
    assert.deepEqual(await ask(d, frames), ["err", code, sentence], `reply to ${JSON.stringify(frames.map(String)).slice(0, 80)}`);
  }
  // No state changed: nobody is present, no channel exists.
  assert.deepEqual(await ask(d, ["who", '{"channel":"ALL"}']), ["ok", '{"users":[]}']);
  assert.deepEqual(await ask(d, ["channels", "{}"]), ["ok", '{"channels":[]}']);
  // A valid post is number 1, the first message published and the first recorded.
  assert.deepEqual(await ask(d, post({ body: "the real one" })), ["ok", "1", "1"]);
  await watch.until(/^dev\0 say /);
  assert.deepEqual(watch.topics.filter((s) => !/^\0(hb|sync-hostile) /.test(s)).map((s) => s.replace(/ .*/, "")), ["dev\0"]);
  await server.line(/^\[dev #1\] mallory: the real one \(/);
  assert.deepEqual(server.out.filter((l) => l.startsWith("[")).map((l) => l.replace(/ \(.*\)$/, "")), ["[dev #1] mallory: the real one"]);
  await assertStillChats(t, server, "after the garbage");
});

test("generated requests, valid and broken, each get an ok or an error reply; no internal error, and the server keeps serving", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const seed = Date.now() | 0;
  const requests = fc.sample(mutated(validRequest), { numRuns: 400, seed });
  /* A mutated post may grow an eighth frame: a garbled login token, refused like any unknown one. */
  const codes = new Set(["bad-request", "bad-field", "read-only", "slow-down", "auth-failed"]);
  for (const frames of requests) {
    const reply = await ask(d, frames);
    const about = `seed ${seed}, request ${JSON.stringify(frames.map((f) => f.toString("latin1")))}, reply ${JSON.stringify(reply)}`;
    if (reply[0] === "err") {
      assert.ok(codes.has(reply[1]!) && /^invalid \S+: |^ALL is read-only: |^too many messages|^your login is unknown, expired or revoked: log in again$/.test(reply[2]!), about);
    } else {
      assert.equal(reply[0], "ok", about);
    }
  }
  assert.deepEqual(server.err, [], "nothing went wrong inside the server");
  await assertStillChats(t, server, "fuzzed");
});

test(`a frame over ${MAX_FRAME_BYTES} bytes gets its sender disconnected by libzmq, on both ports; the server keeps serving`, async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const big = (size: number) => encodePost({ id: "big-1", channel: "dev", user: "mallory", time: TIME_ISO, kind: "say", body: "x".repeat(size) });
  // At the limit the frame arrives and the codec refuses it (the reply also proves the connection is up).
  assert.deepEqual(await ask(d, big(MAX_FRAME_BYTES)), ["err", "bad-field", "invalid body: is longer than 16384 bytes"]);
  // One byte over, libzmq drops the connection without passing anything on.
  const dropped = nextEvent(d, "disconnect");
  await d.send(["", ...big(MAX_FRAME_BYTES + 1)]);
  await dropped;
  // The same DEALER reconnects by itself and is served as before.
  assert.deepEqual(await ask(d, ["channels", "{}"]), ["ok", '{"channels":[]}']);

  // A subscription is a message to the publisher: an oversized one is dropped the same way.
  const sub = new Subscriber({ linger: 0 });
  t.after(() => void (sub.closed || sub.close()));
  const subDropped = nextEvent(sub, "disconnect");
  sub.subscribe(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x61));
  sub.connect(server.pub!);
  await subDropped;
  sub.close();
  await assertStillChats(t, server, "big frames bounced");
  // The record is in order: once alice's line is in, anything recorded before it is too.
  await server.line(/^\[dev #\d+\] alice: big frames bounced \(/);
  assert.deepEqual(server.out.filter((l) => l.startsWith("[")).map((l) => l.replace(/ \(.*\)$/, "")), ["[dev #1] alice: big frames bounced"]);
});

test("a flooding client gets slow-down replies from its token bucket while another client is served", async (t) => {
  // One token every 100 s: the flooder's bucket cannot refill while the test runs, whatever the machine's speed.
  const server = await startServer(t, SERVER, ["--rate", "0.01", "--burst", "3"]);
  const flooder = dealer(t, server);
  const replies: string[][] = [];
  let stop = false;
  let sent = 0;
  let refused = () => {};
  const firstRefusal = new Promise<void>((resolve) => (refused = resolve));
  let caughtUp = () => {};
  const flooding = (async () => {
    /*
     * Posts go out without waiting for each answer, until the other client is
     * done. At most WINDOW unanswered: past libzmq's high-water mark (1000) the
     * server's ROUTER drops replies to a client that does not read them.
     */
    const WINDOW = 256;
    const receiving = (async () => {
      while (!stop || replies.length < sent) {
        replies.push((await flooder.receive()).slice(1).map((f) => f.toString("utf8")));
        if (replies.length === 4) refused();
        caughtUp();
      }
    })();
    // A reply that never comes (receiveTimeout) ends the flood, and the test with its error.
    receiving.catch(() => {
      stop = true;
      caughtUp();
    });
    while (!stop && sent < 100_000) {
      if (sent - replies.length >= WINDOW) await new Promise<void>((resolve) => (caughtUp = resolve));
      await flooder.send(["", ...encodePost({ id: `flood-${sent}`, channel: "dev", user: "flood", time: TIME_ISO, kind: "say", body: `spam ${sent}` })]);
      sent++;
    }
    stop = true;
    await receiving;
  })();
  await Promise.race([firstRefusal, flooding]);
  // Mid-flood, alice (her own connection, so her own bucket of 3) posts 3 lines; bob sees all of them.
  const args = (name: string) => ["127.0.0.1", server.postPort, server.pubPort, "dev", name, "--history", "0"];
  const bob = run(t, CLIENT, args("bob"));
  await bob.line(/^connected to /, "err");
  const alice = await runToExit(t, CLIENT, args("alice"), "one\ntwo\nthree\n");
  assert.equal(alice.code, 0, alice.err.join("\n"));
  assert.deepEqual((await bob.lines(/^alice: /, 3)).map((l) => l.replace(/ \(.*\)$/, "")), ["alice: one", "alice: two", "alice: three"]);
  stop = true;
  await flooding;

  assert.equal(replies.length, sent);
  assert.deepEqual(replies.slice(0, 3), [["ok", "1", "1"], ["ok", "2", "2"], ["ok", "3", "3"]], "a full bucket lets the first 3 through");
  for (const r of replies.slice(3)) {
    assert.equal(r.length, 4, JSON.stringify(r));
    const [status, code, sentence, retry] = r as [string, string, string, string];
    assert.deepEqual([status, code], ["err", "slow-down"]);
    assert.match(retry, /^\d+$/);
    assert.equal(sentence, `too many messages: at most 0.01 a second (bursts of 3); retry in ${retry} ms`);
  }
  assert.ok(sent > 3, "the flooder was refused at least once");
  // Recorded: the flooder's 3 and alice's 3, nothing else.
  await server.lines(/^\[dev #\d+\] alice: /, 3);
  const recorded = server.out.filter((l) => l.startsWith("[")).map((l) => l.replace(/ \(.*\)$/, ""));
  assert.deepEqual(recorded.filter((l) => l.includes("flood:")), ["[dev #1] flood: spam 0", "[dev #2] flood: spam 1", "[dev #3] flood: spam 2"]);
  assert.deepEqual(recorded.filter((l) => l.includes("alice:")).map((l) => l.replace(/^\[dev #\d+\] /, "")), ["alice: one", "alice: two", "alice: three"]);
  bob.end();
  assert.equal(await bob.exit, 0);
});
