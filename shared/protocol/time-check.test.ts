/**
 * checkTime reads a time character by character (every post carries one).
 * It must accept and refuse exactly what the regular expression it replaced
 * did, with the same sentence: that expression is kept here as the oracle,
 * and fast-check compares both on times built from near-valid pieces.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CodecError } from "./errors.js";
import { checkTime } from "./validate.js";

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The former checkTime: undefined when valid, else the sentence. */
function oracle(time: string): string | undefined {
  const m = ISO.exec(time);
  if (m === null) return "must be ISO 8601 with an offset, like 2026-01-31T22:00:00.000-06:00";
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : DAYS[month - 1];
  const bad = month < 1 || month > 12 || day < 1 || day > (days ?? 0) ||
    Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59 ||
    (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59));
  return bad ? "is not a real date and time" : undefined;
}

function verdict(time: string): string | undefined {
  try {
    checkTime(time);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof CodecError && err.field === "time");
    return err.reason;
  }
}

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
/* Each piece is usually right and sometimes not, so most times are near a valid one. */
const piece = (right: fc.Arbitrary<string>) => fc.oneof({ weight: 8, arbitrary: right }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom("", "0", "00", "99", "x", "\u0660\u0661", " ") });
const time = fc.tuple(
  piece(digits(4, 4)), piece(fc.constant("-")), piece(digits(2, 2)), piece(fc.constant("-")), piece(digits(2, 2)),
  piece(fc.constantFrom("T", "t", " ")), piece(digits(2, 2)), piece(fc.constant(":")), piece(digits(2, 2)), piece(fc.constant(":")), piece(digits(2, 2)),
  fc.oneof(fc.constant(""), fc.tuple(piece(fc.constant(".")), digits(0, 11)).map(([d, f]) => d + f)),
  fc.oneof(piece(fc.constant("Z")), fc.tuple(piece(fc.constantFrom("+", "-")), piece(digits(2, 2)), piece(fc.constant(":")), piece(digits(2, 2))).map((p) => p.join(""))),
  fc.oneof({ weight: 9, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.string({ maxLength: 2 }) }),
).map((p) => p.join(""));

test("checkTime accepts and refuses what the former regular expression did, with the same sentence", () => {
  fc.assert(fc.property(time, (t) => assert.equal(verdict(t), oracle(t), JSON.stringify(t))), { numRuns: 20_000 });
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (t) => assert.equal(verdict(t), oracle(t), JSON.stringify(t))), { numRuns: 5_000 });
});

test("checkTime on the edges: leap days, offsets, fractions, trailing characters", () => {
  const cases = [
    "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T23:59:59.123456789+23:59", "1900-02-29T00:00:00Z",
    "2026-12-31T24:00:00Z", "2026-12-31T23:60:00Z", "2026-12-31T23:59:60Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
    "2026-01-31T22:00:00.000-06:00", "2026-01-31T22:00:00.-06:00", "2026-01-31T22:00:00.1234567890Z", "2026-01-31T22:00:00+24:00",
    "2026-01-31T22:00:00+05:60", "2026-01-31T22:00:00Z\n", "2026-01-31T22:00:00z", "2026-01-31T22:00:00+0500", "2026-01-31 22:00:00Z", "",
  ];
  for (const t of cases) assert.equal(verdict(t), oracle(t), t);
});
