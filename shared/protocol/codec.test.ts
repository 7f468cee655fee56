/**
 * The wire codec, case by case: every message kind round-trips, and every
 * class of bad input throws CodecError naming the field, with the code the
 * server puts in its error reply.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeAnswer, MalformedAnswerError, type Op, decodePostAck, decodePublication, decodeRequest, encodeControl,
  encodeControlAnswer, encodeError, encodeHeartbeat, encodeMessage, encodePost, encodePostAck, encodePresence,
  encodeSync, channelTopic, type ChatMessage, type ControlRequest, type Post,
} from "./index.js";
import { CodecError, RejectedError, type ErrorCode } from "./errors.js";

const wire = (frames: readonly (string | Buffer)[]): Buffer[] => frames.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));

const POST: Post = { id: "a1b2-7", channel: "café☕", user: "zoë", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: "ça va? 👋 مرحبا\nשלום" };
const MESSAGE: ChatMessage = { ...POST, epoch: "e9f1", seq: 3, gseq: 41 };
const ALL_VIEW = "ALL";
const HEARTBEAT = { epoch: "e9f1", gseq: 41, heads: { "café☕": 3, dev: 12 }, time: "2026-01-31T22:00:01.000Z" };

/** Asserts that `decode` throws CodecError for `field`, with `code` and a reason matching `reason`. */
function refuses(decode: () => unknown, field: string, code: ErrorCode, reason: RegExp): void {
  assert.throws(decode, (err) => {
    assert.ok(err instanceof CodecError, `expected CodecError, got ${String(err)}`);
    assert.equal(err.name, "CodecError");
    assert.equal(err.field, field);
    assert.equal(err.code, code);
    assert.match(err.reason, reason);
    assert.equal(err.message, `${field} ${err.reason}`);
    return true;
  });
}

/** Asserts that `answer` to `op` is refused as malformed, with `sentence`. */
const malformed = (op: Op, answer: object, sentence: string) =>
  assert.throws(() => decodeAnswer(op, wire(encodeControlAnswer(answer))), (err) =>
    err instanceof MalformedAnswerError && err.op === op && err.message.startsWith(`the server sent a malformed answer to ${op} (${sentence})`));

/** A post's frames with one field replaced. */
function postWith(field: keyof Post, value: string | Buffer): Buffer[] {
  const frames = wire(encodePost(POST));
  const index = { id: 1, channel: 2, user: 3, time: 4, kind: 5, body: 6 }[field];
  frames[index] = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return frames;
}

test("a post round-trips, its body kept as the bytes sent", () => {
  assert.deepEqual(decodeRequest(wire(encodePost(POST))), { op: "post", ...POST, body: Buffer.from(POST.body, "utf8") });
  assert.deepEqual(decodeRequest(wire(encodePost({ ...POST, kind: "me", body: "waves" }))).op, "post");
});

test("every control request round-trips", () => {
  const requests: ControlRequest[] = [
    { op: "history", query: { channel: "dev", limit: 20 } },
    { op: "history", query: { channel: "ALL", after: 40, limit: 1000 } },
    { op: "hello", hello: { session: "s1", user: "zoë", channels: ["dev", "ALL", "café☕"] } },
    { op: "hello", hello: { session: "s1", user: "zoë", channels: ["dev", "ops"], joined: { dev: "2026-01-31T22:00:00.000-06:00" } } },
    { op: "bye", session: "s1" },
    { op: "who", channel: "ALL" },
    { op: "channels" },
  ];
  for (const r of requests) assert.deepEqual(decodeRequest(wire(encodeControl(r))), r);
  // A history query without a limit means the newest 20.
  assert.deepEqual(decodeRequest(wire(["history", '{"channel":"dev"}'])), { op: "history", query: { channel: "dev", limit: 20 } });
});

test("acks, answers and error replies round-trip; an error reply throws RejectedError", () => {
  assert.deepEqual(decodePostAck(wire(encodePostAck(3, 41))), { seq: 3, gseq: 41 });
  assert.deepEqual(decodeAnswer("who", wire(encodeControlAnswer({ users: [] }))), { users: [] });
  const answer = { epoch: "e9f1", head: 3, messages: [MESSAGE] };
  assert.deepEqual(decodeAnswer("history", wire(encodeControlAnswer(answer))), answer);
  assert.throws(() => decodePostAck(wire(encodeError("read-only", "ALL is read-only"))), (err) =>
    err instanceof RejectedError && err.code === "read-only" && err.reason === "ALL is read-only" && err.retryAfterMs === undefined &&
    err.message === "the server refused: ALL is read-only");
  assert.throws(() => decodeAnswer("channels", wire(encodeError("slow-down", "too many messages", 250))), (err) =>
    err instanceof RejectedError && err.code === "slow-down" && err.retryAfterMs === 250);
});

test("an error reply's sentence is read as UTF-8 and cannot carry terminal escapes", () => {
  assert.throws(() => decodePostAck(wire(["err", "bad-field", "le nom « zoë » est pris"])), (err) =>
    err instanceof RejectedError && err.reason === "le nom « zoë » est pris");
  assert.throws(() => decodePostAck(wire(["err", "bad-field", "\x1b[2Jgone", "soon"])), (err) =>
    err instanceof RejectedError && err.reason === "?[2Jgone" && err.retryAfterMs === undefined);
});

test("every publication round-trips: message, heartbeat, sync, presence", () => {
  assert.deepEqual(decodePublication(wire(encodeMessage(channelTopic(MESSAGE.channel), MESSAGE, Buffer.from(MESSAGE.body)))), { type: "message", message: MESSAGE });
  assert.deepEqual(decodePublication(wire(encodeHeartbeat(HEARTBEAT))), { type: "heartbeat", heartbeat: HEARTBEAT });
  assert.deepEqual(decodePublication(wire(encodeSync("ab12", HEARTBEAT))), { type: "heartbeat", heartbeat: HEARTBEAT, sync: "ab12" });
  const presence = { event: "join" as const, user: "zoë", channel: "ALL" };
  assert.deepEqual(decodePublication(wire(encodePresence(presence))), { type: "presence", presence });
});

test("requests with the wrong shape are bad-request", () => {
  refuses(() => decodeRequest([]), "request", "bad-request", /^has no frames$/);
  refuses(() => decodeRequest(wire(encodePost(POST)).slice(0, 6)), "request", "bad-request", /^'post' needs 7 frames \(8 with a login token\), got 6$/);
  refuses(() => decodeRequest(wire([...encodePost(POST), "extra"])), "token", "bad-field", /^must be 64 hexadecimal digits$/);
  refuses(() => decodeRequest(wire([...encodePost(POST), "a".repeat(64), "extra"])), "request", "bad-request", /^'post' needs 7 frames \(8 with a login token\), got 9$/);
  refuses(() => decodeRequest(wire(["history"])), "request", "bad-request", /^'history' needs 2 frames, got 1$/);
  refuses(() => decodeRequest(wire(["", ""])), "op", "bad-request", /^'' is not a known request$/);
  refuses(() => decodeRequest(wire(["shutdown\x1b[31m", "{}"])), "op", "bad-request", /^'shutdown\?\[31m' is not a known request$/);
  refuses(() => decodeRequest(wire(["GET / HTTP/1.1", "{}"])), "op", "bad-request", /is not a known request/);
});

test("a control request's JSON must be a small object of UTF-8", () => {
  refuses(() => decodeRequest(wire(["who", "not json"])), "json", "bad-request", /^is not valid JSON$/);
  refuses(() => decodeRequest(wire(["who", ""])), "json", "bad-request", /^is not valid JSON$/);
  refuses(() => decodeRequest(wire(["who", '["dev"]'])), "json", "bad-request", /^must be a JSON object$/);
  refuses(() => decodeRequest(wire(["who", "null"])), "json", "bad-request", /^must be a JSON object$/);
  refuses(() => decodeRequest([Buffer.from("who"), Buffer.from([0x7b, 0xff, 0x7d])]), "json", "bad-request", /^is not valid UTF-8$/);
  refuses(() => decodeRequest(wire(["channels", `{"pad":"${"x".repeat(4100)}"}`])), "json", "bad-request", /^is longer than 4096 bytes$/);
});

test("a control request's fields are checked: channels, limits, sessions, names", () => {
  refuses(() => decodeRequest(wire(["who", "{}"])), "channel", "bad-field", /^must be a string$/);
  refuses(() => decodeRequest(wire(["who", '{"channel":7}'])), "channel", "bad-field", /^must be a string$/);
  refuses(() => decodeRequest(wire(["who", '{"channel":"all"}'])), "channel", "bad-field", /is reserved/);
  refuses(() => decodeRequest(wire(["history", '{"channel":"dev","limit":1001}'])), "limit", "bad-field", /^must be a whole number from 0 to 1000$/);
  refuses(() => decodeRequest(wire(["history", '{"channel":"dev","limit":1.5}'])), "limit", "bad-field", /whole number/);
  refuses(() => decodeRequest(wire(["history", '{"channel":"dev","after":-1}'])), "after", "bad-field", /whole number/);
  refuses(() => decodeRequest(wire(["history", '{"channel":"dev","after":"5"}'])), "after", "bad-field", /whole number/);
  refuses(() => decodeRequest(wire(["bye", '{"session":"has space"}'])), "session", "bad-field", /^must be 1 to 64 printable ASCII characters without spaces$/);
  refuses(() => decodeRequest(wire(["bye", "{}"])), "session", "bad-field", /^must be a string$/);
  const hello = (h: object) => wire(["hello", JSON.stringify({ session: "s1", user: "zoë", channels: ["dev"], ...h })]);
  refuses(() => decodeRequest(hello({ user: "" })), "user", "bad-field", /^is empty$/);
  refuses(() => decodeRequest(hello({ channels: "dev" })), "channels", "bad-field", /^must be a list of at most 64 channel names$/);
  refuses(() => decodeRequest(hello({ channels: Array.from({ length: 65 }, (_, i) => `c${i}`) })), "channels", "bad-field", /at most 64/);
  refuses(() => decodeRequest(hello({ channels: ["dev", 5] })), "channel", "bad-field", /^is empty$/);
  refuses(() => decodeRequest(hello({ channels: ["dev", "x".repeat(33)] })), "channel", "bad-field", /^is longer than 32 characters$/);
  refuses(() => decodeRequest(hello({ joined: ["dev"] })), "joined", "bad-field", /^must be an object from channel names to times$/);
  refuses(() => decodeRequest(hello({ joined: { ops: "2026-01-31T22:00:00Z" } })), "joined", "bad-field", /^names a channel the hello does not list$/);
  refuses(() => decodeRequest(hello({ joined: { dev: "yesterday" } })), "joined", "bad-field", /^must be ISO 8601/);
});

test("a post's id, time and kind are checked", () => {
  refuses(() => decodeRequest(postWith("id", "")), "id", "bad-field", /^must be 1 to 64 printable ASCII/);
  refuses(() => decodeRequest(postWith("id", "x".repeat(65))), "id", "bad-field", /^must be 1 to 64/);
  refuses(() => decodeRequest(postWith("id", "two words")), "id", "bad-field", /without spaces/);
  refuses(() => decodeRequest(postWith("id", "zoë")), "id", "bad-field", /^must be printable ASCII$/);
  refuses(() => decodeRequest(postWith("time", "yesterday")), "time", "bad-field", /^must be ISO 8601 with an offset/);
  refuses(() => decodeRequest(postWith("time", "2026-01-31T22:00:00")), "time", "bad-field", /^must be ISO 8601 with an offset/);
  refuses(() => decodeRequest(postWith("time", "2026-02-29T22:00:00Z")), "time", "bad-field", /^is not a real date and time$/);
  refuses(() => decodeRequest(postWith("time", "2026-01-31T24:00:00Z")), "time", "bad-field", /^is not a real date and time$/);
  refuses(() => decodeRequest(postWith("kind", "shout")), "kind", "bad-field", /^must be say or me$/);
  refuses(() => decodeRequest(postWith("kind", "")), "kind", "bad-field", /^must be say or me$/);
});

test("names: empty, too long, spaces, control or invisible characters, not NFC, not UTF-8, ALL as a target", () => {
  for (const field of ["user", "channel"] as const) {
    refuses(() => decodeRequest(postWith(field, "")), field, "bad-field", /^is empty$/);
    refuses(() => decodeRequest(postWith(field, "👋".repeat(33))), field, "bad-field", /^is longer than 32 characters$/);
    refuses(() => decodeRequest(postWith(field, "two words")), field, "bad-field", /^contains whitespace, control or invisible characters$/);
    refuses(() => decodeRequest(postWith(field, "nul\0byte")), field, "bad-field", /control or invisible/);
    refuses(() => decodeRequest(postWith(field, "rtl\u200fmark")), field, "bad-field", /control or invisible/);
    refuses(() => decodeRequest(postWith(field, "joined\u200dname")), field, "bad-field", /control or invisible/);
    refuses(() => decodeRequest(postWith(field, "zoe\u0308")), field, "bad-field", /^is not in Unicode NFC form$/);
    refuses(() => decodeRequest(postWith(field, Buffer.from([0x7a, 0xc3]))), field, "bad-field", /^is not valid UTF-8$/);
  }
  // 32 characters is the limit, counted in code points: 32 emoji are 64 UTF-16 units and pass.
  assert.equal((decodeRequest(postWith("user", "👋".repeat(32))) as { user: string }).user, "👋".repeat(32));
  refuses(() => decodeRequest(postWith("channel", "ALL")), "channel", "read-only", /^ALL is read-only/);
  refuses(() => decodeRequest(postWith("channel", "All")), "channel", "read-only", /^ALL is read-only/);
  refuses(() => decodeRequest(postWith("user", "all")), "user", "bad-field", /^'all' is reserved for the view of every channel$/);
  refuses(() => decodeRequest(postWith("user", "\ufeffkyle")), "user", "bad-field", /invisible/);
});

test("bodies: empty, blank, over 16 KiB, not UTF-8, control characters", () => {
  refuses(() => decodeRequest(postWith("body", "")), "body", "bad-field", /^is empty$/);
  refuses(() => decodeRequest(postWith("body", " \n\t ")), "body", "bad-field", /^is empty$/);
  refuses(() => decodeRequest(postWith("body", "é".repeat(8193))), "body", "bad-field", /^is longer than 16384 bytes$/);
  refuses(() => decodeRequest(postWith("body", Buffer.from([0x68, 0x69, 0xff]))), "body", "bad-field", /^is not valid UTF-8$/);
  refuses(() => decodeRequest(postWith("body", Buffer.from([0xed, 0xa0, 0x80]))), "body", "bad-field", /^is not valid UTF-8$/); // a lone surrogate
  refuses(() => decodeRequest(postWith("body", "clear \x1b[2J")), "body", "bad-field", /^contains control characters$/);
  refuses(() => decodeRequest(postWith("body", "bell\x07")), "body", "bad-field", /^contains control characters$/);
  refuses(() => decodeRequest(postWith("body", "c1 \u009b31m")), "body", "bad-field", /^contains control characters$/);
  refuses(() => decodeRequest(postWith("body", "del\x7f")), "body", "bad-field", /^contains control characters$/);
  // Exactly 16 KiB passes; tab, newline and invisible formatting characters are text.
  assert.equal((decodeRequest(postWith("body", "é".repeat(8192))) as { body: Buffer }).body.length, 16384);
  assert.equal(decodeRequest(postWith("body", "a\tb\nc\u200f👨\u200d👩\u200d👧")).op, "post");
});

test("malformed publications throw CodecError too: a client never shows what it cannot validate", () => {
  const msg = wire(encodeMessage(channelTopic("dev"), MESSAGE, "hi"));
  refuses(() => decodePublication([]), "topic", "bad-request", /^is empty$/);
  refuses(() => decodePublication([Buffer.from("dev"), msg[1]!, msg[2]!]), "topic", "bad-request", /^must end with NUL$/);
  refuses(() => decodePublication(msg.slice(0, 2)), "message", "bad-request", /^needs 3 frames, got 2$/);
  refuses(() => decodePublication([msg[0]!, Buffer.from("say e 1 2 id"), msg[2]!]), "meta", "bad-request", /^needs 7 fields \(8 ending in account\), got 5$/);
  refuses(() => decodePublication([msg[0]!, Buffer.from("say e x 2 id u 2026-01-31T22:00:00Z"), msg[2]!]), "seq", "bad-field", /decimal/);
  refuses(() => decodePublication([msg[0]!, msg[1]!, Buffer.from("\x1b]0;pwned\x07")]), "body", "bad-field", /control characters/);
  refuses(() => decodePublication(wire(["\0hb", '{"epoch":"e","gseq":1,"heads":[],"time":"2026-01-31T22:00:00Z"}'])), "heads", "bad-field", /must be an object/);
  refuses(() => decodePublication(wire(["\0presence", '{"event":"explode","user":"u","channel":"dev"}'])), "event", "bad-field", /join or leave/);
  refuses(() => decodePublication(wire(["\0other", "{}"])), "event", "bad-request", /is not a known event/);
  refuses(() => decodePostAck(wire(["ok", "1"])), "reply", "bad-request", /is not a valid reply \(2 frames\)/);
});

test("every control answer is validated: a malformed one throws MalformedAnswerError naming the op and the field, never passes through", () => {
  malformed("who", { users: [{ user: "\x1b[31mmallory", since: "2026-01-31T22:00:00Z" }] }, "invalid user: contains whitespace, control or invisible characters");
  malformed("who", { users: [{ user: "kyle", since: 5 }] }, "invalid since: must be a string");
  malformed("who", { users: "kyle" }, "invalid users: must be a list of at most 10000 items");
  malformed("channels", { channels: [{ name: "dev", messages: "many", users: 1 }] }, "invalid messages: must be a whole number from 0 to 9007199254740991");
  malformed("channels", { channels: [{ name: "a\u202eb", messages: 1, users: 1 }] }, "invalid channel: contains whitespace, control or invisible characters");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, user: "" }] }, "invalid user: is empty");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, body: "\x1b]0;pwned\x07" }] }, "invalid body: contains control characters");
  malformed("history", { epoch: "e", head: 1, messages: Array.from({ length: 1001 }, () => MESSAGE) }, "invalid messages: must be a list of at most 1000 items");
  malformed("hello", { epoch: "e", heartbeatMs: -1, presenceMs: 10 }, "invalid heartbeatMs: must be a whole number from 1 to 3600000");
  assert.throws(() => decodeAnswer("who", wire(["ok", "{}", "extra"])), MalformedAnswerError);
  assert.throws(() => decodeAnswer("who", wire(["ok", "[1]"])), MalformedAnswerError);
});

test("accounts: a post with a login token has eight frames, an account's message an eighth meta field; passwords and tokens are checked", () => {
  const token = "0123456789abcdef".repeat(4);
  assert.deepEqual(decodeRequest(wire(encodePost(POST, token))), { op: "post", ...POST, body: Buffer.from(POST.body), token });
  const published = { ...MESSAGE, account: true as const };
  const frames = wire(encodeMessage(channelTopic(published.channel), published, published.body));
  assert.equal(frames[1]!.toString().split(" ").length, 8);
  assert.deepEqual(decodePublication(frames), { type: "message", message: published });
  assert.deepEqual(decodeAnswer("history", wire(encodeControlAnswer({ epoch: "e", head: 1, messages: [published] }))).messages, [published]);
  const requests: ControlRequest[] = [
    { op: "register", user: "kyle", password: "correct horse" },
    { op: "login", user: "kyle", password: "x" },
    { op: "logout", token },
    { op: "passwd", token, password: "old", newPassword: "battery staple" },
    { op: "whoami", token },
    { op: "unregister", token, password: "correct horse" },
    { op: "hello", hello: { session: "s1", user: "kyle", channels: ["dev"], token } },
  ];
  for (const r of requests) assert.deepEqual(decodeRequest(wire(encodeControl(r))), r);
  refuses(() => decodeRequest(wire(["register", '{"user":"kyle","password":"short"}'])), "password", "bad-field", /^must be 8 to 1024 bytes long$/);
  refuses(() => decodeRequest(wire(["register", JSON.stringify({ user: "kyle", password: "x".repeat(1025) })])), "password", "bad-field", /^must be 8 to 1024 bytes long$/);
  refuses(() => decodeRequest(wire(["whoami", '{"token":"not a token"}'])), "token", "bad-field", /^must be 64 hexadecimal digits$/);
  assert.deepEqual(decodeAnswer("login", wire(encodeControlAnswer({ user: "kyle", token, expires: "2026-12-31T00:00:00.000Z" }))), { user: "kyle", token, expires: "2026-12-31T00:00:00.000Z" });
});

test("edits: edit and delete round trip; changes publish as edit:<target> / delete:<target>; history marks edited and deleted; strict on every new field", () => {
  const token = "0123456789abcdef".repeat(4);
  const requests: ControlRequest[] = [
    { op: "edit", id: "e-1", channel: "dev", seq: 12, body: "fixed 👋\nline", token },
    { op: "edit", id: "e-2", channel: "dev", body: "my last one" },
    { op: "delete", id: "d-1", channel: "dev", seq: 3, token },
    { op: "delete", id: "d-2", channel: "dev" },
    { op: "history", query: { channel: "dev", since: "2026-01-31T22:00:00.000-06:00", limit: 5 } },
    { op: "history", query: { channel: ALL_VIEW, after: 9, since: "2026-01-31T22:00:00Z", limit: 5 } },
  ];
  for (const r of requests) assert.deepEqual(decodeRequest(wire(encodeControl(r))), r);
  const big = "\n".repeat(16 * 1024 - 1) + "x"; // every byte but one escaped: over 4 KiB of JSON, still an edit
  assert.equal((decodeRequest(wire(["edit", JSON.stringify({ id: "e", channel: "dev", body: big })])) as { body: string }).body, big);
  refuses(() => decodeRequest(wire(["edit", JSON.stringify({ id: "e", channel: "dev", body: " " })])), "body", "bad-field", /^is empty$/);
  refuses(() => decodeRequest(wire(["edit", JSON.stringify({ id: "e", channel: "dev" })])), "body", "bad-field", /^must be a string$/);
  refuses(() => decodeRequest(wire(["delete", JSON.stringify({ id: "d", channel: "ALL" })])), "channel", "read-only", /read-only/);
  refuses(() => decodeRequest(wire(["delete", JSON.stringify({ id: "d", channel: "dev", seq: 0 })])), "seq", "bad-field", /^must be a whole number from 1/);
  refuses(() => decodeRequest(wire(["delete", JSON.stringify({ id: "d", channel: "dev", token: "x" })])), "token", "bad-field", /64 hexadecimal/);
  refuses(() => decodeRequest(wire(["history", JSON.stringify({ channel: "dev", since: "yesterday" })])), "time", "bad-field", /ISO 8601/);
  assert.deepEqual(decodeAnswer("edit", wire(encodeControlAnswer({ seq: 13, gseq: 50, target: 12 }))), { seq: 13, gseq: 50, target: 12 });
  assert.throws(() => decodeAnswer("delete", wire(encodeControlAnswer({ seq: 13, gseq: 50, target: 13 }))), /invalid target/);

  const edit: ChatMessage = { ...MESSAGE, kind: "edit", target: 2, body: "new text", account: true };
  const del: ChatMessage = { ...MESSAGE, kind: "delete", target: 1, body: "", account: true };
  for (const m of [edit, del]) {
    const frames = wire(encodeMessage(channelTopic(m.channel), m, m.body));
    assert.equal(frames[1]!.toString().split(" ")[0], `${m.kind}:${m.target}`);
    assert.deepEqual(decodePublication(frames), { type: "message", message: m });
  }
  const pub = (kind: string, body: string) => wire([channelTopic("dev"), `${kind} e9f1 3 41 id1 kyle 2026-01-31T22:00:00Z account`, body]);
  refuses(() => decodePublication(pub("delete:1", "text")), "body", "bad-field", /must be empty/);
  refuses(() => decodePublication(pub("edit:1", "")), "body", "bad-field", /is empty/);
  refuses(() => decodePublication(pub("edit:3", "x")), "target", "bad-field", /earlier seq/);
  refuses(() => decodePublication(pub("edit:", "x")), "target", "bad-field", /decimal/);
  refuses(() => decodePublication(pub("move:1", "x")), "kind", "bad-field", /edit:<seq>/);

  const history = [
    { ...MESSAGE, seq: 1, body: "", deleted: true, received: "2026-02-01T04:00:00.123Z" },
    { ...MESSAGE, seq: 2, body: "new text", edited: true },
    { ...edit, seq: 3 },
    { ...del, seq: 4 },
  ];
  assert.deepEqual(decodeAnswer("history", wire(encodeControlAnswer({ epoch: "e", head: 4, messages: history }))).messages, history);
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, body: "", edited: true }] }, "invalid body: is empty");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, body: "left over", deleted: true }] }, "invalid body: must be empty for a deletion or a deleted message");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, target: 1 }] }, "invalid target: only an edit or a deletion has one");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...edit, edited: true }] }, "invalid edited: only a message can be edited");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, deleted: 1 }] }, "invalid deleted: must be true when present");
  malformed("history", { epoch: "e", head: 1, messages: [{ ...MESSAGE, received: "now" }] }, "invalid time: must be ISO 8601 with an offset, like 2026-01-31T22:00:00.000-06:00");
  const who = decodeAnswer("who", wire(encodeControlAnswer({ users: [{ user: "kyle", since: "2026-01-31T22:00:00Z", active: "2026-01-31T22:05:00Z" }] })));
  assert.deepEqual(who.users, [{ user: "kyle", since: "2026-01-31T22:00:00Z", active: "2026-01-31T22:05:00Z" }]);
});
