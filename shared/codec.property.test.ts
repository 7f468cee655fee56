/**
 * Property tests of the wire codec (fast-check): whatever frames arrive,
 * decoding returns a valid message or throws CodecError, nothing else; and
 * every valid message survives encode then decode unchanged, in any script.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeControlAnswer, decodeHistoryAnswer, decodePostAck, decodePublication, decodeRequest, encodeControl,
  encodeControlAnswer, encodeError, encodeHeartbeat, encodeMessage, encodePost, encodePostAck, encodePresence,
  encodeSync, channelTopic, type ChatMessage, type ControlRequest, type Post, type Publication, type Request,
} from "./codec.js";
import { CodecError, RejectedError } from "./errors.js";
import { ALL, BODY_MAX_BYTES, HISTORY_MAX } from "./limits.js";

/* fc.record makes null-prototype objects by default; decode makes plain ones, and deepEqual compares prototypes. */
const record = <T,>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true });

/* Enough runs to reach the odd corners, few enough to keep `npm test` quick. */
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 400) };

/** Frames as a socket delivers them: Buffers. */
const wire = (frames: readonly (string | Buffer)[]): Buffer[] => frames.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));

// ----------------------------------------------------------- valid values

/* Pieces of text from many scripts: combining accents, right-to-left, emoji with modifiers and joiners. */
const NAME_PIECES = ["a", "Z", "7", "_", "-", ".", "é", "e\u0301", "n\u0303", "ß", "Ω", "ж", "中文", "مرحبا", "שלום", "ﷺ", "👋", "👋🏽", "🎉", "🇫🇷", "ﬁ", "Å"];
const BODY_PIECES = [...NAME_PIECES, " ", "\t", "\n", "👨\u200d👩\u200d👧", "\u200f", "\u202e", "\u00a0", "hello", "ça va?"];

/** A string of whole code points (no lone surrogates), any plane. */
const codePoints = (maxLength: number) => fc.string({ unit: "binary", maxLength }).filter((s) => !/\p{Cs}/u.test(s));

/* What README says a name is: 1 to 32 code points, NFC, none of them a separator, control, format or surrogate. */
const BAD_NAME_CHAR = /[\p{Z}\p{Cc}\p{Cf}\p{Cs}]/u;
const userName = fc
  .array(fc.oneof(fc.constantFrom(...NAME_PIECES), codePoints(3)), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join("").normalize("NFC"))
  .filter((s) => s.length > 0 && [...s].length <= 32 && !BAD_NAME_CHAR.test(s));
const channelName = userName.filter((s) => s.toUpperCase() !== ALL);

/* A body: up to 16 KiB of UTF-8, not only blanks, no control characters but tab and newline. */
const BAD_BODY_CHAR = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const body = fc
  .array(fc.oneof(fc.constantFrom(...BODY_PIECES), codePoints(8)), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.join(""))
  .filter((s) => /[^ \t\n]/.test(s) && !BAD_BODY_CHAR.test(s) && Buffer.byteLength(s) <= BODY_MAX_BYTES);

const id = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 64 });

/* ISO 8601 with seconds and an offset, as the clients write it: local time at some offset, or UTC with Z. */
const time = fc
  .record({
    at: fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("9999-12-30T00:00:00Z"), noInvalidDate: true }),
    offset: fc.integer({ min: -12 * 60, max: 14 * 60 }),
    zulu: fc.boolean(),
  })
  .map(({ at, offset, zulu }) => {
    if (zulu) return at.toISOString();
    const local = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, -1);
    const abs = Math.abs(offset);
    return `${local}${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  });

const post: fc.Arbitrary<Post> = record({
  id, channel: channelName, user: userName, time, kind: fc.constantFrom("say" as const, "me" as const), body,
});

const viewChannel = fc.oneof(channelName, fc.constant(ALL));
const control: fc.Arbitrary<ControlRequest> = fc.oneof(
  record({
    op: fc.constant("history" as const),
    query: fc.record(
      { channel: viewChannel, after: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), limit: fc.integer({ min: 0, max: HISTORY_MAX }) },
      { requiredKeys: ["channel", "limit"], noNullPrototype: true },
    ),
  }),
  record({
    op: fc.constant("hello" as const),
    hello: record({ session: id, user: userName, channels: fc.array(viewChannel, { maxLength: 64 }) }),
  }),
  record({ op: fc.constant("bye" as const), session: id }),
  record({ op: fc.constant("who" as const), channel: viewChannel }),
  fc.constant({ op: "channels" as const }),
);

const message: fc.Arbitrary<ChatMessage> = record({
  id, channel: channelName, user: userName, time, kind: fc.constantFrom("say" as const, "me" as const), body,
  epoch: id, seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), gseq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
});

// -------------------------------------------------------- arbitrary input

/** One frame of anything: random bytes, text, JSON, or a word the protocol uses. */
const anyFrame: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b)),
  codePoints(24).map((s) => Buffer.from(s, "utf8")),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
  fc.constantFrom("post", "history", "hello", "bye", "who", "channels", "ok", "err", "", "{}", "[]", "ALL", "say", "me", "\0", "\0hb", "dev\0")
    .map((s) => Buffer.from(s)),
);

/* A JSON object with the keys a request uses and any values, to get past the parser into the field checks. */
const keyedJson = fc
  .dictionary(fc.constantFrom("channel", "limit", "after", "session", "user", "channels", "event", "epoch", "gseq", "heads", "time", "messages", "head"), fc.jsonValue(), { maxKeys: 5 })
  .map((o) => Buffer.from(JSON.stringify(o)));

/** Frames near valid ones: a valid message with a frame replaced, dropped or added, or pure noise. */
function mutated(valid: fc.Arbitrary<Buffer[]>): fc.Arbitrary<Buffer[]> {
  return fc.oneof(
    { arbitrary: fc.array(anyFrame, { maxLength: 9 }), weight: 1 },
    { arbitrary: valid, weight: 1 },
    // Mostly: one frame replaced, which gets past the frame count into every field check.
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.oneof(anyFrame, keyedJson)).map(([frames, i, f]) => frames.map((x, j) => (j === i % frames.length ? f : x))),
      weight: 6,
    },
    { arbitrary: fc.tuple(valid, fc.nat()).map(([frames, i]) => frames.filter((_, j) => j !== i % frames.length)), weight: 1 },
    { arbitrary: fc.tuple(valid, anyFrame).map(([frames, f]) => [...frames, f]), weight: 1 },
  );
}

const validRequest = fc.oneof(post.map((p) => wire(encodePost(p))), control.map((c) => wire(encodeControl(c))));
const validPublication = fc.oneof(
  message.map((m) => wire(encodeMessage(channelTopic(m.channel), m, m.body))),
  record({ epoch: id, gseq: fc.nat(), heads: fc.dictionary(channelName, fc.nat(), { maxKeys: 3, noNullPrototype: true }), time }).map((hb) => wire(encodeHeartbeat(hb))),
  record({ event: fc.constantFrom("join" as const, "leave" as const), user: userName, channel: viewChannel }).map((p) => wire(encodePresence(p))),
);

/** Runs `decode`; anything thrown but the allowed error types fails the property. */
function decodesOrRefuses<T>(decode: () => T, allowed: (new (...a: never[]) => Error)[] = [CodecError]): T | undefined {
  try {
    return decode();
  } catch (err) {
    if (allowed.some((type) => err instanceof type)) return undefined;
    throw err;
  }
}

/** Encodes a decoded request again, to check that what decode accepted is itself valid. */
function reencode(r: Request): Buffer[] {
  return wire(r.op === "post" ? encodePost({ ...r, body: r.body.toString("utf8") }) : encodeControl(r));
}

function reencodePublication(p: Publication): Buffer[] {
  switch (p.type) {
    case "message":
      return wire(encodeMessage(channelTopic(p.message.channel), p.message, p.message.body));
    case "heartbeat":
      return wire(p.sync === undefined ? encodeHeartbeat(p.heartbeat) : encodeSync(p.sync, p.heartbeat));
    case "presence":
      return wire(encodePresence(p.presence));
  }
}

// ------------------------------------------------------------------ tests

test("decodeRequest of arbitrary frames returns a valid request or throws CodecError, nothing else", () => {
  fc.assert(
    fc.property(mutated(validRequest), (frames) => {
      const r = decodesOrRefuses(() => decodeRequest(frames));
      if (r !== undefined) assert.deepEqual(decodeRequest(reencode(r)), r);
    }),
    RUNS,
  );
});

test("decodePublication of arbitrary frames returns a valid publication or throws CodecError, nothing else", () => {
  fc.assert(
    fc.property(mutated(validPublication), (frames) => {
      const p = decodesOrRefuses(() => decodePublication(frames));
      if (p !== undefined) assert.deepEqual(decodePublication(reencodePublication(p)), p);
    }),
    RUNS,
  );
});

test("decoding arbitrary replies returns an answer, or throws CodecError or the server's RejectedError", () => {
  const reply = fc.oneof(
    fc.array(anyFrame, { maxLength: 5 }),
    fc.tuple(fc.constantFrom("ok", "err"), fc.array(fc.oneof(anyFrame, keyedJson), { maxLength: 4 })).map(([s, rest]) => [Buffer.from(s), ...rest]),
  );
  fc.assert(
    fc.property(reply, (frames) => {
      decodesOrRefuses(() => decodePostAck(frames), [CodecError, RejectedError]);
      decodesOrRefuses(() => decodeControlAnswer(frames), [CodecError, RejectedError]);
      decodesOrRefuses(() => decodeHistoryAnswer(frames), [CodecError, RejectedError]);
    }),
    RUNS,
  );
});

test("a post survives encode and decode unchanged: any script, emoji, combining accents, right-to-left text", () => {
  fc.assert(
    fc.property(post, (p) => {
      assert.deepEqual(decodeRequest(wire(encodePost(p))), { op: "post", ...p, body: Buffer.from(p.body, "utf8") });
    }),
    RUNS,
  );
});

test("every control request survives encode and decode unchanged", () => {
  fc.assert(fc.property(control, (c) => assert.deepEqual(decodeRequest(wire(encodeControl(c))), c)), RUNS);
});

test("a published message and a history answer survive encode and decode unchanged", () => {
  fc.assert(
    fc.property(message, fc.array(message, { maxLength: 3 }), (m, history) => {
      assert.deepEqual(decodePublication(wire(encodeMessage(channelTopic(m.channel), m, m.body))), { type: "message", message: m });
      const answer = { epoch: m.epoch, head: m.seq, messages: history };
      assert.deepEqual(decodeHistoryAnswer(wire(encodeControlAnswer(answer))), answer);
    }),
    RUNS,
  );
});

test("acks and error replies survive encode and decode", () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat(), body.filter((b) => !/[\t\n]/.test(b)), fc.option(fc.nat(), { nil: undefined }), (seq, gseq, sentence, retry) => {
      assert.deepEqual(decodePostAck(wire(encodePostAck(seq, gseq))), { seq, gseq });
      assert.throws(
        () => decodePostAck(wire(encodeError("slow-down", sentence, retry))),
        (err) => err instanceof RejectedError && err.code === "slow-down" && err.sentence === sentence && err.retryAfterMs === retry,
      );
    }),
    RUNS,
  );
});
