import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

/*
 * nowIso and displayTime skip luxon on their way (Date's getters, a memo per
 * second): what they give must be what luxon gives, in zones west and east
 * of UTC, with half-hour offsets, and across a day boundary. Each zone runs
 * in its own process, as a client does (TZ is read at start).
 */
const CHECK = `
import { DateTime } from "luxon";
import { displayTime, nowIso } from ${JSON.stringify(new URL("./time.js", import.meta.url).href)};
const bad = [];
const iso = nowIso();
const luxon = DateTime.fromISO(iso).toISO({ includeOffset: true, suppressMilliseconds: false });
if (iso !== luxon || !/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d$/.test(iso)) bad.push(["nowIso", iso, luxon]);
const now = DateTime.now();
const times = [iso, now.toUTC().toISO(), now.minus({ hours: 1 }).toISO(), now.minus({ days: 1 }).toISO(), now.plus({ days: 1 }).toISO(),
  now.setZone("UTC+14").toISO(), now.setZone("UTC-12").toISO(), now.startOf("day").toISO(), now.startOf("day").minus({ milliseconds: 1 }).toISO(),
  now.startOf("day").toUTC().toISO(), "2026-01-31T22:00:00.000-06:00", "2026-01-31T22:00:00.999-06:00", "2026-01-31T22:00:00-06:00",
  "2026-01-31T22:00:00,5Z", "2026-02-30T10:00:00.000Z", "2026-02-30T10:00:00.123Z", "not a time", "2026-01-31 22:00:00Z", "2026-01-31T24:00:00.000Z",
  "2026-01-31T23:59:60.000Z", "2026-02-29T12:00:00.000Z", "2024-02-29T12:00:00.000Z", "2026-13-01T00:00:00.000Z", "0050-06-01T12:00:00.000Z",
  "2026-06-01T12:00:00.000+23:59", "2026-06-01T12:00:00.000-00:00", "2026-06-01T12:00:00.000+24:00", "2026-06-01T12:00:00.000+05:60",
  "2026-06-01T12:00:00.123456789+05:30", "1970-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999-12:00"];
for (const t of [...times, ...times]) {
  const fresh = displayTime(t, DateTime.now());
  const memo = displayTime(t);
  if (memo !== fresh) bad.push([t, memo, fresh]);
}
process.stdout.write(JSON.stringify(bad));
`;

for (const tz of ["UTC", "America/Chicago", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Lord_Howe"]) {
  test(`nowIso and displayTime say what luxon says, TZ=${tz}`, () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", CHECK], { env: { ...process.env, TZ: tz }, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), []);
  });
}
