import { test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { parseSinceTime, SinceTimeError } from "./since-time.js";

// Read against a fixed "now" in a zone west of UTC, so local and UTC differ.
const now = DateTime.fromISO("2026-01-31T22:05:10.000-06:00", { setZone: true });
const at = (input: string) => parseSinceTime(input, now).toISO();

test("a time of day is today, in the local zone", () => {
  assert.equal(at("14:00"), "2026-01-31T14:00:00.000-06:00");
  assert.equal(at("9:30:15"), "2026-01-31T09:30:15.000-06:00");
  assert.equal(at(" 00:00 "), "2026-01-31T00:00:00.000-06:00");
});

test("an ISO date-time is taken as written; without an offset it is local", () => {
  assert.equal(at("2026-01-31T14:00"), "2026-01-31T14:00:00.000-06:00");
  assert.equal(at("2026-01-31T20:00:00Z"), "2026-01-31T20:00:00.000Z");
  assert.equal(parseSinceTime("2026-01-31T20:00:00Z", now).toMillis(), DateTime.fromISO("2026-01-31T14:00:00-06:00").toMillis());
  assert.equal(at("2026-01-30T23:59:59.500+01:00"), "2026-01-30T23:59:59.500+01:00");
  assert.equal(at("2026-01-30"), "2026-01-30T00:00:00.000-06:00");
});

test("a span is that long ago: 2h, 30m, 1h30m, 2d, 45s", () => {
  assert.equal(at("2h"), "2026-01-31T20:05:10.000-06:00");
  assert.equal(at("30m"), "2026-01-31T21:35:10.000-06:00");
  assert.equal(at("1h30m"), "2026-01-31T20:35:10.000-06:00");
  assert.equal(at("2D"), "2026-01-29T22:05:10.000-06:00");
  assert.equal(at("45s"), "2026-01-31T22:04:25.000-06:00");
});

test("anything else, or a time still to come, is refused with one sentence naming the forms", () => {
  for (const [input, reason] of [
    ["", "since when?"],
    ["yesterday", "'yesterday' is not a time"],
    ["25:00", "'25:00' is not a time of day"],
    ["14:61", "'14:61' is not a time of day"],
    ["2h30", "'2h30' is not a time"],
    ["2026-02-30T10:00", "'2026-02-30T10:00' is not a time"],
    ["23:00", "23:00 is still to come (it is 22:05 now)"],
    ["2026-02-01T00:00", "2026-02-01T00:00 is still to come (it is 22:05 now)"],
  ] as const) {
    assert.throws(() => parseSinceTime(input, now), (err: unknown) => {
      assert.ok(err instanceof SinceTimeError, input);
      assert.equal(err.message, `${reason}: /since takes 14:00 (today), an ISO date-time like 2026-01-31T14:00, or 2h / 30m ago`);
      return true;
    });
  }
});
