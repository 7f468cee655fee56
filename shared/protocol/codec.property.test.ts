/**
 * Property tests of the wire codec (fast-check): whatever frames arrive,
 * decoding returns a valid message or throws CodecError, nothing else; and
 * every valid message survives encode then decode unchanged, in any script.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeAnswer, decodePostAck, MalformedAnswerError, decodePublication, decodeRequest, encodeControl,
  encodeControlAnswer, encodeError, encodeHeartbeat, encodeMessage, encodePost, encodePostAck, encodePresence,
  encodeSync, channelTopic, CONTROL_OPS, type Op, type Publication, type Request,
} from "./index.js";
import { CodecError, RejectedError } from "./errors.js";
import {
  anyFrame, body, control, keyedJson, message, mutated, post, validPublication, validRequest, wire,
} from "../testing/wire-arbitraries.js";

/* Enough runs to reach the odd corners, few enough to keep `npm test` quick. */
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 400) };

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

test("decoding arbitrary replies returns an answer, or throws MalformedAnswerError (a control answer), CodecError (an ack) or the server's RejectedError", () => {
  const reply = fc.oneof(
    fc.array(anyFrame, { maxLength: 5 }),
    fc.tuple(fc.constantFrom("ok", "err"), fc.array(fc.oneof(anyFrame, keyedJson), { maxLength: 4 })).map(([s, rest]) => [Buffer.from(s), ...rest]),
  );
  fc.assert(
    fc.property(reply, (frames) => {
      decodesOrRefuses(() => decodePostAck(frames), [CodecError, RejectedError]);
      for (const op of Object.keys(CONTROL_OPS) as Op[]) decodesOrRefuses(() => decodeAnswer(op, frames), [MalformedAnswerError, RejectedError]);
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
      assert.deepEqual(decodeAnswer("history", wire(encodeControlAnswer(answer))), answer);
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
        (err) => err instanceof RejectedError && err.code === "slow-down" && err.reason === sentence && err.retryAfterMs === retry,
      );
    }),
    RUNS,
  );
});
