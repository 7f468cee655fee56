/**
 * Issue 13 against a real mc_server process, spoken to with raw ZeroMQ
 * sockets: edits and deletions by a message's account, seen live and in a
 * late joiner's history, refused for anyone else; a deleted text gone from
 * the store file; `since` by the server's receive time; who's `active`;
 * and the --log file. Every wait is for a reply, a publication or a line.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Subscriber } from "zeromq";
import { channelTopic, decodeAnswer, decodePublication, syncTopic, type ChatMessage, type HistoryAnswer } from "../shared/protocol/index.js";
import { PATIENCE_MS, startServer, type ServerProc } from "../shared/testing/processes.js";
import { tempStore } from "../shared/testing/chat.js";
import { answer, ask, control, dealer } from "../shared/testing/raw-client.js";

const SERVER = "part4/mc_server.js";
const PASSWORD = "correct horse battery staple";
const NOW = () => new Date().toISOString();
const HOUR = 3_600_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let ids = 0;
const post = (d: Dealer, user: string, body: string, token?: string, time = NOW()) =>
  ask(d, ["post", `p${++ids}`, "dev", user, time, "say", body, ...(token === undefined ? [] : [token])]);

async function account(d: Dealer, user: string): Promise<string> {
  answer(await control(d, "register", { user, password: PASSWORD }));
  return answer(await control(d, "login", { user, password: PASSWORD })).token as string;
}

async function history(d: Dealer, query: object): Promise<HistoryAnswer> {
  return decodeAnswer("history", (await control(d, "history", query)).map((f) => Buffer.from(f)));
}

/** What a reader sees of each entry: seq, kind (with target), body and marks. */
const seen = (messages: ChatMessage[]) =>
  messages.map((m) => `${m.seq} ${m.kind}${m.target === undefined ? "" : `:${m.target}`} ${m.user}: ${m.body}${m.edited ? " (edited)" : ""}${m.deleted ? " (deleted)" : ""}`);

/** A SUB on #dev, live once its sync event came; collects decoded messages. */
async function devSubscriber(t: TestContext, server: ServerProc) {
  const sub = new Subscriber({ linger: 0, receiveTimeout: PATIENCE_MS });
  sub.subscribe(channelTopic("dev"));
  sub.subscribe(syncTopic("edits-test"));
  sub.connect(server.pub!);
  t.after(() => void (sub.closed || sub.close()));
  for (;;) {
    const p = decodePublication(await sub.receive());
    if (p.type === "heartbeat" && p.sync === "edits-test") break;
  }
  const got: ChatMessage[] = [];
  /** Receives until `count` messages have come. */
  const until = async (count: number) => {
    while (got.length < count) {
      const p = decodePublication(await sub.receive());
      if (p.type === "message") got.push(p.message);
    }
    return got;
  };
  return { until };
}

test("edits and deletions by the author are numbered, published live and shown to a late joiner (current text, edited, deleted), without holes", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  const sub = await devSubscriber(t, server);

  assert.deepEqual(await post(d, "kyle", "helo wrold", kyle), ["ok", "1", "1"]);
  assert.deepEqual(await post(d, "kyle", "something I regret", kyle), ["ok", "2", "2"]);
  assert.deepEqual(answer(await control(d, "edit", { id: "e1", channel: "dev", seq: 1, body: "hello world", token: kyle })), { seq: 3, gseq: 3, target: 1 });
  assert.deepEqual(answer(await control(d, "delete", { id: "d1", channel: "dev", token: kyle })), { seq: 4, gseq: 4, target: 2 }, "no seq: the caller's last message");
  assert.deepEqual(answer(await control(d, "edit", { id: "e1", channel: "dev", seq: 1, body: "hello world", token: kyle })), { seq: 3, gseq: 3, target: 1 }, "a retry: the same answer, nothing new");
  assert.deepEqual(answer(await control(d, "edit", { id: "e2", channel: "dev", body: "hello, world", token: kyle })), { seq: 5, gseq: 5, target: 1 }, "the last one not deleted");

  const live = await sub.until(5);
  assert.deepEqual(seen(live), ["1 say kyle: helo wrold", "2 say kyle: something I regret", "3 edit:1 kyle: hello world", "4 delete:2 kyle: ", "5 edit:1 kyle: hello, world"]);
  assert.ok(live.every((m) => m.account), "every entry an account's");

  const late = await history(dealer(t, server), { channel: "dev", limit: 20 });
  assert.equal(late.head, 5);
  assert.deepEqual(seen(late.messages), ["1 say kyle: hello, world (edited)", "2 say kyle:  (deleted)", "3 edit:1 kyle: hello world", "4 delete:2 kyle: ", "5 edit:1 kyle: hello, world"]);
  assert.deepEqual(late.messages.map((m) => m.seq), [1, 2, 3, 4, 5], "no holes");
  assert.deepEqual(seen((await history(d, { channel: "ALL", limit: 2 })).messages), ["4 delete:2 kyle: ", "5 edit:1 kyle: hello, world"]);
  await server.line(/^\[dev #4\] kyle deleted #2 /);
  await server.line(/^\[dev #5\] kyle edited #1: hello, world /);
});

test("another account, a free name and a message that is gone are refused in one sentence, and nothing changes", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  const dana = await account(d, "dana");
  await post(d, "kyle", "mine", kyle); // #1
  await post(d, "amy", "a free name's"); // #2
  answer(await control(d, "delete", { id: "d1", channel: "dev", seq: 1, token: kyle })); // #3
  await post(d, "kyle", "still here", kyle); // #4
  const before = (await history(d, { channel: "dev", limit: 20 })).messages;

  const refusals: [string, object, string[]][] = [
    ["edit", { id: "x1", channel: "dev", seq: 4, body: "mine now", token: dana }, ["err", "not-yours", "#4 in #dev is kyle's message, not yours"]],
    ["delete", { id: "x2", channel: "dev", seq: 4, token: dana }, ["err", "not-yours", "#4 in #dev is kyle's message, not yours"]],
    ["edit", { id: "x3", channel: "dev", seq: 2, body: "claimed", token: kyle }, ["err", "not-yours", "#2 in #dev is amy's message, not yours"]],
    ["edit", { id: "x4", channel: "dev", seq: 4, body: "no login" }, ["err", "auth-required", "only an account's messages can be edited or deleted: log in"]],
    ["delete", { id: "x5", channel: "dev", seq: 2 }, ["err", "auth-required", "only an account's messages can be edited or deleted: log in"]],
    ["delete", { id: "x6", channel: "dev", seq: 99, token: kyle }, ["err", "not-found", "no message #99 in #dev"]],
    ["delete", { id: "x7", channel: "dev", seq: 1, token: kyle }, ["err", "not-found", "no message #1 in #dev"]],
    ["edit", { id: "x8", channel: "dev", seq: 3, body: "undelete", token: kyle }, ["err", "not-found", "no message #3 in #dev"]],
    ["delete", { id: "x9", channel: "dev", token: dana }, ["err", "not-found", "you have no message in #dev to delete"]],
    ["edit", { id: "x10", channel: "ALL", seq: 4, body: "x", token: kyle }, ["err", "read-only", "ALL is read-only: it shows every channel but cannot be posted to"]],
    ["edit", { id: "x11", channel: "dev", seq: 4, body: "x", token: "0".repeat(64) }, ["err", "auth-failed", "your login is unknown, expired or revoked: log in again"]],
  ];
  for (const [op, body, expected] of refusals) assert.deepEqual(await control(d, op, body), expected, `${op} ${JSON.stringify(body)}`);
  const after = await history(d, { channel: "dev", limit: 20 });
  assert.equal(after.head, 4);
  assert.deepEqual(after.messages, before, "nothing changed");
});

test("a deleted message's text, and its earlier edits', are gone from the store file's bytes (.db and -wal)", async (t) => {
  const store = tempStore(t);
  const server = await startServer(t, SERVER, ["--store", store]);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  const secrets = ["the-launch-code-is-7f3a9c", "edited-launch-code-44be01"];
  await post(d, "kyle", `${secrets[0]} ${"padding ".repeat(800)}`, kyle);
  await post(d, "kyle", "this one stays", kyle);
  answer(await control(d, "edit", { id: "e1", channel: "dev", seq: 1, body: secrets[1], token: kyle }));
  const bytes = () => Buffer.concat([store, `${store}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
  for (const s of secrets) assert.ok(bytes().includes(s), `${s} is stored before the deletion (the search works)`);
  assert.deepEqual(answer(await control(d, "delete", { id: "d1", channel: "dev", seq: 1, token: kyle })), { seq: 4, gseq: 4, target: 1 });
  for (const s of secrets) assert.equal(bytes().includes(s), false, `${s} is gone from the store`);
  assert.ok(bytes().includes("this one stays"));
  assert.deepEqual(seen((await history(d, { channel: "dev", limit: 20 })).messages), [
    "1 say kyle:  (deleted)", "2 say kyle: this one stays", "3 edit:1 kyle:  (deleted)", "4 delete:1 kyle: ",
  ]);
});

test("since goes by the server's receive time, not the time a poster claims (a client clock an hour off either way)", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const claimed = (ms: number) => new Date(Date.now() + ms).toISOString();
  await post(d, "early", "from a clock an hour fast", undefined, claimed(HOUR));
  const [first] = (await history(d, { channel: "dev", limit: 1 })).messages;
  const received = Date.parse(first!.received!);
  assert.ok(Math.abs(received - Date.now()) < HOUR / 2, "received is the server's clock, not the claim");
  /* The next posts must be received in a later millisecond than the first. */
  while (Date.now() <= received) await sleep(1);
  await post(d, "late", "from a clock an hour slow", undefined, claimed(-HOUR));
  await post(d, "late", "from a clock two hours slow", undefined, claimed(-2 * HOUR));
  const bodies = (a: HistoryAnswer) => a.messages.map((m) => m.body);

  assert.deepEqual(bodies(await history(d, { channel: "dev", since: first!.received, limit: 20 })), ["from a clock an hour slow", "from a clock two hours slow"]);
  assert.deepEqual(bodies(await history(d, { channel: "dev", since: new Date(received - 1).toISOString(), limit: 20 })),
    ["from a clock an hour fast", "from a clock an hour slow", "from a clock two hours slow"]);
  const page = await history(d, { channel: "dev", since: first!.received, limit: 1 });
  assert.deepEqual(bodies(page), ["from a clock an hour slow"]);
  assert.deepEqual(bodies(await history(d, { channel: "dev", since: first!.received, after: page.messages[0]!.seq, limit: 1 })), ["from a clock two hours slow"], "paged on with after");
  assert.deepEqual(bodies(await history(d, { channel: "ALL", since: first!.received, limit: 20 })), ["from a clock an hour slow", "from a clock two hours slow"]);
  assert.deepEqual(bodies(await history(d, { channel: "dev", since: claimed(2 * HOUR), limit: 20 })), []);
});

test("who: active is a user's last post in the channel, else their join; ALL covers every channel", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  answer(await control(d, "hello", { session: "s-dana", user: "dana", channels: ["dev", "ops"] }));
  answer(await control(d, "hello", { session: "s-kyle", user: "kyle", channels: ["dev"] }));
  type Who = { users: { user: string; since: string; active: string }[] };
  const who = async (channel: string) => answer(await control(d, "who", { channel })) as unknown as Who;
  const joined = await who("dev");
  for (const u of joined.users) assert.equal(u.active, u.since, `${u.user}: no post yet, active since the join`);

  /* The post must be received in a later millisecond than the join, or the two could not be told apart. */
  while (Date.now() <= Date.parse(joined.users[0]!.since)) await sleep(1);
  await post(d, "dana", "hi");
  assert.notEqual((await history(d, { channel: "dev", limit: 1 })).messages[0]!.received, joined.users[0]!.since);
  const [posted] = (await history(d, { channel: "dev", limit: 1 })).messages;
  const dev = await who("dev");
  assert.deepEqual(dev.users.map((u) => [u.user, u.active]), [["dana", posted!.received], ["kyle", joined.users[1]!.active]]);
  assert.equal((await who("ops")).users[0]!.active, joined.users[0]!.since, "a post in #dev is not activity in #ops");
  assert.deepEqual((await who("ALL")).users.map((u) => [u.user, u.active]), [["dana", posted!.received], ["kyle", joined.users[1]!.since]]);
});

test("--log FILE: one JSON object per line (pino) for logins, logouts, lockouts, registrations, posts, edits, deletions and refusals; never a password, a token or (without --log-bodies) a body", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mchat-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "server.log");
  const server = await startServer(t, SERVER, ["--log", file, "--login-attempts", "2", "--lockout", "60"]);
  assert.match(server.out[0]!, /, log in .*server\.log/);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  await post(d, "kyle", "a private body 5e1f", kyle);
  answer(await control(d, "edit", { id: "e1", channel: "dev", seq: 1, body: "an edited body 9b2c", token: kyle }));
  answer(await control(d, "delete", { id: "d1", channel: "dev", seq: 1, token: kyle }));
  await control(d, "delete", { id: "d2", channel: "dev", seq: 1, token: kyle });
  await post(d, "kyle", "not mine to post");
  answer(await control(d, "register", { user: "dana", password: "dana's secret password" }));
  await control(d, "login", { user: "dana", password: "wrong password one" });
  await control(d, "login", { user: "dana", password: "wrong password two" });
  answer(await control(d, "logout", { token: kyle }));
  server.kill("SIGTERM");
  assert.equal(await server.exit, 0);

  const text = readFileSync(file, "utf8");
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const events = lines.map((l) => `${String(l.event)}${l.code ? `:${String(l.code)}` : ""} ${String(l.user ?? "")}`);
  assert.deepEqual(events, [
    "register kyle", "login kyle", "post kyle", "edit kyle", "delete kyle", "refused:not-found ", "refused:auth-required kyle",
    "register dana", "refused:auth-failed dana", "lockout dana", "refused:auth-failed dana", "logout kyle",
  ], text);
  for (const l of lines) {
    assert.equal(typeof l.time, "string");
    assert.ok(!Number.isNaN(Date.parse(l.time as string)), "an ISO time");
  }
  assert.deepEqual(lines.filter((l) => l.event !== "refused" && l.event !== "register" && l.event !== "login" && l.event !== "logout" && l.event !== "lockout")
    .map((l) => [l.event, l.channel, l.seq, l.gseq, l.target]), [["post", "dev", 1, 1, undefined], ["edit", "dev", 2, 2, 1], ["delete", "dev", 3, 3, 1]]);
  for (const secret of [PASSWORD, "dana's secret password", "wrong password one", kyle, "a private body 5e1f", "an edited body 9b2c"]) {
    assert.equal(text.includes(secret), false, `the log holds no ${secret.slice(0, 12)}...`);
  }

  const withBodies = join(dir, "bodies.log");
  const second = await startServer(t, SERVER, ["--log", withBodies, "--log-bodies"]);
  await post(dealer(t, second), "amy", "shown with --log-bodies");
  second.kill("SIGTERM");
  await second.exit;
  assert.equal((JSON.parse(readFileSync(withBodies, "utf8").trim()) as { body: string }).body, "shown with --log-bodies");
});
