/**
 * Accounts (issue 11) against a real mc_server process, spoken to with raw
 * ZeroMQ sockets from the test (CURVE off): every operation's round trip,
 * wrong passwords and the lock, protected names, stale tokens, required
 * mode, and where passwords and tokens must never appear. Every wait is for
 * a reply or an output line; PATIENCE_MS only bounds hangs, and waiting for
 * a lock or a login to end is done by retrying.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { Dealer, Subscriber } from "zeromq";
import { answer as answerJson, ask, control, dealer } from "../shared/testing/raw-client.js";
import { channelTopic, syncTopic } from "../shared/protocol/index.js";
import { PATIENCE_MS, startServer, type ServerProc } from "../shared/testing/processes.js";
import { portsOf, tempStore } from "../shared/testing/chat.js";

const SERVER = "part4/mc_server.js";
const TIME = "2026-01-31T22:00:00.000-06:00";
const WRONG = "wrong name or password";
const STALE = "your login is unknown, expired or revoked: log in again";
const PASSWORD = "correct horse battery staple";
const TOKEN = /^[0-9a-f]{64}$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answer = (reply: string[]) => answerJson(reply) as Record<string, string>;
const post = (d: Dealer, id: string, user: string, body: string, token?: string) =>
  ask(d, ["post", id, "dev", user, TIME, "say", body, ...(token === undefined ? [] : [token])]);

async function login(d: Dealer, user: string, password = PASSWORD): Promise<string> {
  const a = answer(await control(d, "login", { user, password }));
  assert.match(a.token!, TOKEN);
  return a.token!;
}

/** The server's record lines (one per recorded message). */
const records = (s: ServerProc) => s.out.filter((l) => /^\[\S+ #\d+\] /.test(l));

/**
 * A subscriber to #dev, live once the server has answered its sync
 * subscription (subscriptions travel in order, so #dev's is live by then);
 * resolves with the meta frames of the messages it receives.
 */
async function devSubscriber(t: TestContext, server: ServerProc) {
  const sub = new Subscriber({ linger: 0 });
  sub.subscribe(channelTopic("dev"));
  sub.subscribe(syncTopic("accounts-test"));
  sub.connect(server.pub!);
  t.after(() => void (sub.closed || sub.close()));
  const metas: string[] = [];
  let heard: (() => void) | undefined;
  let synced!: () => void;
  const live = new Promise<void>((resolve) => (synced = resolve));
  void (async () => {
    try {
      for await (const [topic, meta] of sub) {
        if (topic![0] === 0) synced();
        else metas.push(meta!.toString("utf8"));
        heard?.();
      }
    } catch {
      /* closed */
    }
  })();
  await live;
  /** Waits until a message whose meta matches `pattern` arrives. */
  const until = async (pattern: RegExp) => {
    while (!metas.some((m) => pattern.test(m))) await new Promise<void>((resolve) => (heard = resolve));
  };
  return { metas, until };
}

test("register, login, whoami, passwd, logout and unregister round trip; names are one account whatever their case", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  assert.deepEqual(answer(await control(d, "register", { user: "Kyle", password: PASSWORD })), { user: "Kyle" });
  assert.deepEqual(await control(d, "register", { user: "kyle", password: PASSWORD }),
    ["err", "name-taken", "kyle is already registered: log in, or pick another name"]);

  const first = answer(await control(d, "login", { user: "KYLE", password: PASSWORD }));
  assert.equal(first.user, "Kyle", "the account's registered spelling");
  assert.match(first.token!, TOKEN);
  const days = (Date.parse(first.expires!) - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in 30 days (${days})`);
  assert.deepEqual(answer(await control(d, "whoami", { token: first.token })), { user: "Kyle", expires: first.expires });

  const changed = answer(await control(d, "passwd", { token: first.token, password: PASSWORD, newPassword: "a new password" }));
  assert.equal(changed.user, "Kyle");
  assert.match(changed.token!, TOKEN);
  assert.deepEqual(await control(d, "whoami", { token: first.token }), ["err", "auth-failed", STALE], "passwd ends the old sessions");
  assert.deepEqual(await control(d, "login", { user: "kyle", password: PASSWORD }), ["err", "auth-failed", WRONG]);
  assert.equal(answer(await control(d, "whoami", { token: changed.token })).user, "Kyle", "passwd's answer is a live session");

  const second = await login(d, "kyle", "a new password");
  assert.deepEqual(answer(await control(d, "logout", { token: second })), {});
  assert.deepEqual(await control(d, "whoami", { token: second }), ["err", "auth-failed", STALE]);
  assert.deepEqual(await control(d, "whoami", { token: changed.token }), ["err", "auth-failed", STALE], "logout ends every session of the account");

  const third = await login(d, "kyle", "a new password");
  assert.deepEqual(await control(d, "unregister", { token: third, password: "not the password" }), ["err", "auth-failed", WRONG]);
  assert.deepEqual(answer(await control(d, "unregister", { token: third, password: "a new password" })), {});
  assert.deepEqual(await control(d, "whoami", { token: third }), ["err", "auth-failed", STALE]);
  assert.deepEqual(await post(d, "free-1", "kyle", "free again"), ["ok", "1", "1"], "an unregistered name is free again");
  assert.deepEqual(await control(d, "login", { user: "kyle", password: "a new password" }), ["err", "auth-failed", WRONG]);
});

test("a wrong password and an unknown name get one answer; after 3 failures the name is locked, the right password included, until the lock ends", async (t) => {
  const server = await startServer(t, SERVER, ["--lockout", "1"]);
  const d = dealer(t, server);
  answer(await control(d, "register", { user: "kyle", password: PASSWORD }));
  assert.deepEqual(await control(d, "login", { user: "nobody", password: PASSWORD }), ["err", "auth-failed", WRONG]);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await control(d, "login", { user: "kyle", password: `wrong ${i} password` }), ["err", "auth-failed", WRONG]);
  }
  const locked = await control(d, "login", { user: "kyle", password: PASSWORD });
  assert.deepEqual(locked.slice(0, 3), ["err", "locked", "kyle is locked after 3 failed logins: try again in 1 s"]);
  const ms = Number(locked[3]);
  assert.ok(ms > 0 && ms <= 1000, `milliseconds left: ${locked[3]}`);

  // Retry until the lock ends; each refusal says how long is left.
  let reply = locked;
  for (const started = Date.now(); reply[1] === "locked"; reply = await control(d, "login", { user: "kyle", password: PASSWORD })) {
    assert.ok(Date.now() - started < PATIENCE_MS, "the lock never ended");
    await sleep(Number(reply[3]));
  }
  answer(reply);

  // An unknown name is counted and locked alike, so a lock tells nothing about which names exist.
  for (let i = 0; i < 3; i++) assert.deepEqual(await control(d, "login", { user: "ghost", password: PASSWORD }), ["err", "auth-failed", WRONG]);
  const ghost = await control(d, "login", { user: "ghost", password: PASSWORD });
  assert.deepEqual(ghost.slice(0, 3), ["err", "locked", "ghost is locked after 3 failed logins: try again in 1 s"]);
});

test("a lock holds across a reconnect and, with --store, across a restart; so do accounts and logins", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store, "--lockout", "600", "--login-attempts", "2"]);
  const d = dealer(t, first);
  answer(await control(d, "register", { user: "amy", password: PASSWORD }));
  answer(await control(d, "register", { user: "kyle", password: PASSWORD }));
  const token = await login(d, "amy");
  for (let i = 0; i < 2; i++) assert.deepEqual(await control(d, "login", { user: "Kyle", password: "wrong password" }), ["err", "auth-failed", WRONG]);
  d.close();

  const again = dealer(t, first);
  const reconnected = await control(again, "login", { user: "kyle", password: PASSWORD });
  assert.deepEqual(reconnected.slice(0, 3), ["err", "locked", "kyle is locked after 2 failed logins: try again in 600 s"]);
  again.close();

  first.kill("SIGTERM");
  assert.equal(await first.exit, 0);
  const second = await startServer(t, SERVER, ["--store", store, "--lockout", "600", "--login-attempts", "2"], portsOf(first));
  const d2 = dealer(t, second);
  const restarted = await control(d2, "login", { user: "kyle", password: PASSWORD });
  assert.equal(restarted[1], "locked", restarted.join(" | "));
  assert.ok(Number(restarted[3]) > 500_000, "the lock's end is kept, not restarted");
  assert.equal(answer(await control(d2, "whoami", { token })).user, "amy", "a login survives the restart");
  assert.deepEqual(await post(d2, "p1", "AMY", "hi"), ["err", "auth-required", "AMY is a registered name: log in, or pick another name"]);
  assert.deepEqual(await post(d2, "p2", "someone", "hi", token), ["ok", "1", "1"]);
  await second.line(/^\[dev #1\] amy: hi /);
});

test("posts and hellos under a registered name need its login: without a token, with a malformed, unknown or revoked token each is refused and nothing is recorded or published; a logged-in post is the account's whatever its user frame says", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const sub = await devSubscriber(t, server);
  answer(await control(d, "register", { user: "Kyle", password: PASSWORD }));
  const revoked = await login(d, "kyle");
  answer(await control(d, "logout", { token: revoked }));
  const token = await login(d, "kyle");
  const unknown = (token[0] === "0" ? "1" : "0") + token.slice(1);
  const required = (name: string) => ["err", "auth-required", `${name} is a registered name: log in, or pick another name`];

  assert.deepEqual(await post(d, "r1", "kyle", "no token"), required("kyle"));
  assert.deepEqual(await post(d, "r2", "KYLE", "no token, other case"), required("KYLE"));
  for (const [i, bad] of ["not-a-token", unknown, revoked].entries()) {
    assert.deepEqual(await post(d, `t${i}`, "kyle", "bad token", bad), ["err", "auth-failed", STALE], bad);
    assert.deepEqual(await post(d, `u${i}`, "bob", "bad token, free name", bad), ["err", "auth-failed", STALE], "a bad token is refused whatever the name");
    assert.deepEqual(await control(d, "hello", { session: `s${i}`, user: "kyle", channels: ["dev"], token: bad }), ["err", "auth-failed", STALE]);
  }
  assert.deepEqual(await control(d, "hello", { session: "s9", user: "kyle", channels: ["dev"] }), required("kyle"));
  assert.deepEqual(answer(await control(d, "who", { channel: "dev" })), { users: [] }, "refused hellos change no presence");

  assert.deepEqual(await post(d, "mine", "bob", "from the account", token), ["ok", "1", "1"]);
  const hello = answer(await control(d, "hello", { session: "s10", user: "bob", channels: ["dev"], token }));
  assert.equal(hello.accounts, "open");
  const who = answer(await control(d, "who", { channel: "dev" })) as unknown as { users: { user: string }[] };
  assert.deepEqual(who.users.map((u) => u.user), ["Kyle"], "a logged-in hello is the account's");
  assert.deepEqual(await post(d, "free", "amy", "a free name"), ["ok", "2", "2"]);

  await server.line(/^\[dev #2\] amy: a free name /);
  assert.deepEqual(records(server).map((l) => l.replace(/ \(.*\)$/, "")), ["[dev #1] Kyle: from the account", "[dev #2] amy: a free name"]);
  await sub.until(/ amy /);
  assert.deepEqual(sub.metas.map((m) => m.split(" ").slice(4).filter((f) => f !== TIME)), [["mine", "Kyle", "account"], ["free", "amy"]]);
  const history = answer(await control(d, "history", { channel: "dev", limit: 2 })) as unknown as { messages: Record<string, unknown>[] };
  assert.deepEqual(history.messages.map((m) => [m.user, m.account]), [["Kyle", true], ["amy", undefined]]);
});

test("an expired login is refused like a revoked one (--login-days 0.00002, about 1.7 s)", async (t) => {
  const server = await startServer(t, SERVER, ["--login-days", "0.00002"]);
  const d = dealer(t, server);
  answer(await control(d, "register", { user: "kyle", password: PASSWORD }));
  const token = await login(d, "kyle");
  for (const started = Date.now(); (await control(d, "whoami", { token }))[0] === "ok"; await sleep(200)) {
    assert.ok(Date.now() - started < PATIENCE_MS, "the login never expired");
  }
  assert.deepEqual(await post(d, "late", "kyle", "too late", token), ["err", "auth-failed", STALE]);
  assert.deepEqual(await control(d, "hello", { session: "s1", user: "kyle", channels: ["dev"], token }), ["err", "auth-failed", STALE]);
  assert.deepEqual(await post(d, "marker", "amy", "marker"), ["ok", "1", "1"]);
  await server.line(/^\[dev #1\] amy: marker /);
  assert.equal(records(server).length, 1, "the expired login's post was not recorded");
});

test("--accounts required refuses every name without a login; the hello answer says so", async (t) => {
  const server = await startServer(t, SERVER, ["--accounts", "required"]);
  assert.match(server.out[0]!, /, accounts required \(Ctrl-C to stop\)$/);
  const d = dealer(t, server);
  const sentence = "this server only takes logged-in users: register amy and log in, or log in to your account";
  assert.deepEqual(await post(d, "p1", "amy", "hi"), ["err", "auth-required", sentence]);
  assert.deepEqual(await control(d, "hello", { session: "s1", user: "amy", channels: ["dev"] }), ["err", "auth-required", sentence]);
  answer(await control(d, "register", { user: "amy", password: PASSWORD }));
  const token = await login(d, "amy");
  assert.equal(answer(await control(d, "hello", { session: "s1", user: "amy", channels: ["dev"], token })).accounts, "required");
  assert.deepEqual(await post(d, "p2", "amy", "logged in", token), ["ok", "1", "1"]);
  await server.line(/^\[dev #1\] amy: logged in /);
  assert.equal(records(server).length, 1);
});

test("passwords and tokens never appear in the server's output or in the store file", async (t) => {
  const store = tempStore(t);
  const server = await startServer(t, SERVER, ["--store", store]);
  const d = dealer(t, server);
  const secrets = ["first-secret-Pa55word", "second-secret-Pa55word", "wrong-secret-Pa55word"];
  answer(await control(d, "register", { user: "kyle", password: secrets[0] }));
  const token = await login(d, "kyle", secrets[0]);
  assert.deepEqual(await control(d, "login", { user: "kyle", password: secrets[2] }), ["err", "auth-failed", WRONG]);
  const renewed = answer(await control(d, "passwd", { token, password: secrets[0], newPassword: secrets[1] })).token!;
  assert.deepEqual(await post(d, "p1", "kyle", "hello", renewed), ["ok", "1", "1"]);
  await server.line(/^\[dev #1\] kyle: hello /);
  /* The database, its WAL and anything else SQLite keeps beside them. */
  const files = () => [store, `${store}-wal`, `${store}-shm`, `${store}-journal`].filter(existsSync);
  const scan = (when: string) => {
    const bytes = Buffer.concat(files().map((f) => readFileSync(f)));
    const output = [...server.out, ...server.err].join("\n");
    for (const secret of [...secrets, token, renewed]) {
      assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} in the store file (${when})`);
      assert.equal(output.includes(secret), false, `${secret} in the server's output (${when})`);
    }
  };
  assert.ok(files().includes(`${store}-wal`), "the WAL holds the latest writes while the server runs");
  scan("while running");
  server.kill("SIGTERM");
  assert.equal(await server.exit, 0);
  scan("after stopping");
});

test("bad passwords are refused with the field's rule; names that differ by case or normalisation are one account", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const length = ["err", "bad-field", "invalid password: must be 8 to 1024 bytes long"];
  assert.deepEqual(await control(d, "register", { user: "amy", password: "" }), length);
  assert.deepEqual(await control(d, "register", { user: "amy", password: "é".repeat(513) }), length, "1026 bytes");
  assert.deepEqual(await control(d, "register", { user: "amy", password: "\ud800 lone surrogate" }), ["err", "bad-field", "invalid password: is not valid Unicode"]);
  const notUtf8 = Buffer.concat([Buffer.from('{"user": "amy", "password": "'), Buffer.from([0xff, 0xfe, 0x80, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]), Buffer.from('"}')]);
  assert.deepEqual(await ask(d, ["register", notUtf8]), ["err", "bad-request", "invalid json: is not valid UTF-8"]);
  assert.deepEqual(await post(d, "free", "amy", "amy is still free"), ["ok", "1", "1"], "nothing was registered");
  // At login a password of any length is just a wrong one: the same answer as every other.
  assert.deepEqual(await control(d, "login", { user: "amy", password: "" }), ["err", "auth-failed", WRONG]);

  answer(await control(d, "register", { user: "Zoë", password: PASSWORD }));
  assert.deepEqual(await control(d, "register", { user: "ZOË", password: PASSWORD }), ["err", "name-taken", "ZOË is already registered: log in, or pick another name"]);
  assert.deepEqual(await control(d, "register", { user: "Zoe\u0308", password: PASSWORD }), ["err", "bad-field", "invalid user: is not in Unicode NFC form"],
    "a decomposed spelling cannot become a second account");
  assert.equal(answer(await control(d, "login", { user: "zoë", password: PASSWORD })).user, "Zoë");
  assert.deepEqual(await post(d, "z1", "ZOË", "hi"), ["err", "auth-required", "ZOË is a registered name: log in, or pick another name"]);
});
