/**
 * The compact post (["post2", "id channel user time kind", body, token?]):
 * it decodes to the same request as the 7-frame post, every bad field is
 * refused with the same field, code and sentence as in the 7-frame form,
 * and a meta frame that does not split into five fields is bad-request.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeAnswer, decodeRequest, encodeCompactPost, encodeControlAnswer, encodePost, type Post } from "./index.js";
import { CodecError } from "./errors.js";

const wire = (frames: readonly (string | Buffer)[]): Buffer[] => frames.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));
const POST: Post = { id: "a1b2-7", channel: "café☕", user: "zoë", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: "ça va? 👋 مرحبا\nשלום" };
const TOKEN = "ab".repeat(32);
type Field = "id" | "channel" | "user" | "time" | "kind";

/** The compact post of POST with one meta field's bytes replaced. */
function compactWith(field: Field | "body", value: Buffer): Buffer[] {
  if (field === "body") return [...wire(encodeCompactPost(POST)).slice(0, 2), value];
  const parts = (["id", "channel", "user", "time", "kind"] as const).map((f) => (f === field ? value : Buffer.from(POST[f], "utf8")));
  const meta = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.of(0x20), p])));
  return [Buffer.from("post2"), meta, Buffer.from(POST.body, "utf8")];
}

/** The 7-frame post of POST with one field's bytes replaced. */
function sevenWith(field: Field | "body", value: Buffer): Buffer[] {
  const frames = wire(encodePost(POST));
  frames[{ id: 1, channel: 2, user: 3, time: 4, kind: 5, body: 6 }[field]] = value;
  return frames;
}

function refusal(frames: Buffer[]): CodecError {
  try {
    decodeRequest(frames);
  } catch (err) {
    assert.ok(err instanceof CodecError, `expected CodecError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a refusal");
}

test("a compact post decodes to the same request as the 7-frame post, with and without a token", () => {
  assert.deepEqual(encodeCompactPost(POST), ["post2", "a1b2-7 café☕ zoë 2026-01-31T22:00:00.000-06:00 say", POST.body]);
  assert.deepEqual(decodeRequest(wire(encodeCompactPost(POST))), decodeRequest(wire(encodePost(POST))));
  assert.deepEqual(decodeRequest(wire(encodeCompactPost(POST))), { op: "post", ...POST, body: Buffer.from(POST.body, "utf8") });
  assert.deepEqual(decodeRequest(wire(encodeCompactPost({ ...POST, kind: "me" }, TOKEN))), decodeRequest(wire(encodePost({ ...POST, kind: "me" }, TOKEN))));
  assert.equal((decodeRequest(wire(encodeCompactPost(POST, TOKEN))) as { token: string }).token, TOKEN);
});

const BAD: [Field | "body", string | Buffer][] = [
  ["id", ""], ["id", "x".repeat(65)], ["id", "zoë"], ["id", "tab\there"],
  ["time", "yesterday"], ["time", "2026-01-31T22:00:00"], ["time", "2026-02-29T22:00:00Z"], ["time", "2026-01-31T24:00:00Z"],
  ["kind", "shout"], ["kind", ""], ["kind", "SAY"],
  ...(["user", "channel"] as const).flatMap((f): [Field, string | Buffer][] => [
    [f, ""], [f, "👋".repeat(33)], [f, "nul\0byte"], [f, "tab\tname"], [f, "nbsp\u00a0name"], [f, "rtl\u200fmark"],
    [f, "zoe\u0308"], [f, Buffer.from([0x7a, 0xc3])], [f, Buffer.from([0xff])], [f, "\ufeffkyle"],
  ]),
  ["channel", "ALL"], ["channel", "all"], ["user", "All"],
  ["body", ""], ["body", " \n\t "], ["body", "é".repeat(8193)], ["body", Buffer.from([0x68, 0xff])], ["body", "clear \x1b[2J"], ["body", "del\x7f"],
];

test("every bad field is refused with the same field, code and sentence in both forms", () => {
  for (const [field, value] of BAD) {
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    const seven = refusal(sevenWith(field, bytes));
    const compact = refusal(compactWith(field, bytes));
    assert.deepEqual([compact.field, compact.code, compact.sentence], [seven.field, seven.code, seven.sentence], `${field} ${JSON.stringify(String(value))}`);
  }
  // A bad token too.
  const seven = refusal(wire([...encodePost(POST), "not-a-token"]));
  const compact = refusal(wire([...encodeCompactPost(POST), "not-a-token"]));
  assert.deepEqual([compact.field, compact.code, compact.sentence], [seven.field, seven.code, seven.sentence]);
  assert.equal(compact.sentence, "invalid token: must be 64 hexadecimal digits");
});

test("a meta frame with too few or too many fields, a space too many, or too long is bad-request", () => {
  const meta = (m: string | Buffer) => refusal(wire(["post2", m, "hi"]));
  const sentence = (n: number) => `invalid meta: must be 5 fields (id channel user time kind) and an optional 6th (after) separated by single spaces, got ${n}`;
  for (const [m, n] of [
    ["a1 dev kyle 2026-01-31T22:00:00Z", 4], ["a1 dev kyle 2026-01-31T22:00:00Z say a0 extra", 7], ["", 1],
    ["a1 two words kyle 2026-01-31T22:00:00Z say a0", 7], ["a1 dev kyle 2026-01-31T22:00:00Z say a0 ", 7], [" a1 dev kyle 2026-01-31T22:00:00Z say a0", 7],
  ] as const) {
    const err = meta(m);
    assert.deepEqual([err.code, err.sentence], ["bad-request", sentence(n)], m);
  }
  // A sixth field is the id of the post before it; a word too many in a name shifts the fields, and the first one out of place is refused.
  assert.equal(meta("a1 dev two words 2026-01-31T22:00:00Z say").sentence, "invalid kind: must be say or me");
  assert.equal(meta("a1 dev kyle 2026-01-31T22:00:00Z say ").sentence, "invalid after: must be 1 to 64 printable ASCII characters without spaces");
  // Two spaces in a row leave an empty field, refused by that field's rule as in the 7-frame form.
  assert.equal(meta("a1  kyle 2026-01-31T22:00:00Z say").sentence, "invalid channel: is empty");
  assert.equal(meta("a1 dev  2026-01-31T22:00:00Z say").sentence, "invalid user: is empty");
  assert.equal(meta(" dev kyle 2026-01-31T22:00:00Z say").sentence, "invalid id: must be 1 to 64 printable ASCII characters without spaces");
  const long = meta(`a1 dev kyle 2026-01-31T22:00:00Z say${"x".repeat(512)}`);
  assert.deepEqual([long.field, long.code, long.sentence], ["meta", "bad-request", "invalid meta: is longer than 512 bytes"]);
  // The longest real meta fits: a 64-byte id, two names of 32 four-byte characters, a time with nanoseconds.
  const biggest = { ...POST, id: "x".repeat(64), channel: "👋".repeat(32), user: "🙂".repeat(32), time: "2026-01-31T22:00:00.123456789-06:00" };
  assert.equal((decodeRequest(wire(encodeCompactPost(biggest))) as { user: string }).user, biggest.user);
  // ... and so does it with the longest `after`.
  assert.deepEqual(decodeRequest(wire(encodeCompactPost(biggest, undefined, "y".repeat(64)))), { ...decodeRequest(wire(encodeCompactPost(biggest))), after: "y".repeat(64) });
});

test("a compact post names the post before it when asked to, and only then", () => {
  assert.deepEqual(encodeCompactPost(POST, TOKEN, "s1-41"), ["post2", `${POST.id} ${POST.channel} ${POST.user} ${POST.time} ${POST.kind} s1-41`, POST.body, TOKEN]);
  assert.equal((decodeRequest(wire(encodeCompactPost(POST, TOKEN, "s1-41"))) as { after?: string }).after, "s1-41");
  assert.equal("after" in (decodeRequest(wire(encodeCompactPost(POST, TOKEN))) as object), false);
});

test("a compact post with the wrong number of frames is bad-request", () => {
  for (const frames of [["post2", "a1 dev kyle 2026-01-31T22:00:00Z say"], [...encodeCompactPost(POST, TOKEN), "extra"], ["post2"]]) {
    const err = refusal(wire(frames));
    assert.deepEqual([err.field, err.code, err.sentence], ["request", "bad-request", `invalid request: 'post2' needs 3 frames (4 with a login token), got ${frames.length}`]);
  }
});

test("the hello answer's posts field is read when present, and absent from older servers' answers", () => {
  const answer = { epoch: "e1", heartbeatMs: 1000, presenceMs: 10_000 };
  assert.equal(decodeAnswer("hello", wire(encodeControlAnswer({ ...answer, posts: 2 }))).posts, 2);
  assert.equal(decodeAnswer("hello", wire(encodeControlAnswer(answer))).posts, undefined);
  assert.throws(() => decodeAnswer("hello", wire(encodeControlAnswer({ ...answer, posts: "2" }))), /malformed answer to hello/);
});
