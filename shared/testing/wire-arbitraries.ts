/**
 * fast-check generators for the wire protocol: valid values as README
 * defines them (names and bodies in any script, emoji, combining accents,
 * right-to-left text), and frames near valid ones for fuzzing decoders and
 * the server. Shared by the codec's property tests and the hostile-input
 * end-to-end test.
 */
import fc from "fast-check";
import {
  encodeControl, encodeHeartbeat, encodeMessage, encodePost, encodePresence, channelTopic,
  type ChatMessage, type ControlRequest, type Post,
} from "../protocol/index.js";
import { ALL, BODY_MAX_BYTES, HISTORY_MAX } from "../protocol/limits.js";

/* fc.record makes null-prototype objects by default; decode makes plain ones, and deepEqual compares prototypes. */
export const record = <T,>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true });

/** Frames as a socket delivers them: Buffers. */
export const wire = (frames: readonly (string | Buffer)[]): Buffer[] => frames.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));

// ----------------------------------------------------------- valid values

/* Pieces of text from many scripts: combining accents, right-to-left, emoji with modifiers and joiners. */
const NAME_PIECES = ["a", "Z", "7", "_", "-", ".", "é", "e\u0301", "n\u0303", "ß", "Ω", "ж", "中文", "مرحبا", "שלום", "ﷺ", "👋", "👋🏽", "🎉", "🇫🇷", "ﬁ", "Å"];
const BODY_PIECES = [...NAME_PIECES, " ", "\t", "\n", "👨\u200d👩\u200d👧", "\u200f", "\u202e", "\u00a0", "hello", "ça va?"];

/** A string of whole code points (no lone surrogates), any plane. */
export const codePoints = (maxLength: number) => fc.string({ unit: "binary", maxLength }).filter((s) => !/\p{Cs}/u.test(s));

/* What README says a name is: 1 to 32 code points, NFC, none of them a separator, control, format or surrogate. */
const BAD_NAME_CHAR = /[\p{Z}\p{Cc}\p{Cf}\p{Cs}]/u;
export const userName = fc
  .array(fc.oneof(fc.constantFrom(...NAME_PIECES), codePoints(3)), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join("").normalize("NFC"))
  .filter((s) => s.length > 0 && [...s].length <= 32 && !BAD_NAME_CHAR.test(s));
export const channelName = userName.filter((s) => s.toUpperCase() !== ALL);

/* A body: up to 16 KiB of UTF-8, not only blanks, no control characters but tab and newline. */
const BAD_BODY_CHAR = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
export const body = fc
  .array(fc.oneof(fc.constantFrom(...BODY_PIECES), codePoints(8)), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.join(""))
  .filter((s) => /[^ \t\n]/.test(s) && !BAD_BODY_CHAR.test(s) && Buffer.byteLength(s) <= BODY_MAX_BYTES);

export const id = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 64 });

/* ISO 8601 with seconds and an offset, as the clients write it: local time at some offset, or UTC with Z. */
export const time = fc
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

export const post: fc.Arbitrary<Post> = record({
  id, channel: channelName, user: userName, time, kind: fc.constantFrom("say" as const, "me" as const), body,
});

export const viewChannel = fc.oneof(channelName, fc.constant(ALL));
export const control: fc.Arbitrary<ControlRequest> = fc.oneof(
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

export const message: fc.Arbitrary<ChatMessage> = record({
  id, channel: channelName, user: userName, time, kind: fc.constantFrom("say" as const, "me" as const), body,
  epoch: id, seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), gseq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
});

// -------------------------------------------------------- arbitrary input

/** One frame of anything: random bytes, text, JSON, or a word the protocol uses. */
export const anyFrame: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b)),
  codePoints(24).map((s) => Buffer.from(s, "utf8")),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
  fc.constantFrom("post", "history", "hello", "bye", "who", "channels", "ok", "err", "", "{}", "[]", "ALL", "say", "me", "\0", "\0hb", "dev\0")
    .map((s) => Buffer.from(s)),
);

/* A JSON object with the keys a request uses and any values, to get past the parser into the field checks. */
export const keyedJson = fc
  .dictionary(fc.constantFrom("channel", "limit", "after", "session", "user", "channels", "event", "epoch", "gseq", "heads", "time", "messages", "head"), fc.jsonValue(), { maxKeys: 5 })
  .map((o) => Buffer.from(JSON.stringify(o)));

/** Frames near valid ones: a valid message with a frame replaced, dropped or added, or pure noise. */
export function mutated(valid: fc.Arbitrary<Buffer[]>): fc.Arbitrary<Buffer[]> {
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

export const validRequest = fc.oneof(post.map((p) => wire(encodePost(p))), control.map((c) => wire(encodeControl(c))));
export const validPublication = fc.oneof(
  message.map((m) => wire(encodeMessage(channelTopic(m.channel), m, m.body))),
  record({ epoch: id, gseq: fc.nat(), heads: fc.dictionary(channelName, fc.nat(), { maxKeys: 3, noNullPrototype: true }), time }).map((hb) => wire(encodeHeartbeat(hb))),
  record({ event: fc.constantFrom("join" as const, "leave" as const), user: userName, channel: viewChannel }).map((p) => wire(encodePresence(p))),
);
