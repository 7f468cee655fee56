import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { DateTime } from "luxon";
import { nowIso } from "./time.js";

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

test("nowIso writes what luxon's toISO writes, in every kind of zone: whole hours, half and quarter hours, west and east, across DST changes", (t) => {
  const zone = process.env.TZ;
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const zones = ["UTC", "America/Chicago", "America/St_Johns", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"];
  const instants = [Date.UTC(2026, 0, 31, 22, 0, 0, 0), Date.UTC(2026, 2, 8, 7, 59, 59, 999), Date.UTC(2026, 2, 8, 8, 0, 0, 1), Date.UTC(2026, 9, 25, 0, 59, 59, 5), Date.UTC(2026, 9, 25, 1, 0, 0, 50), Date.UTC(2000, 1, 29, 12, 30), Date.now()];
  for (let i = 0; i < 200; i++) instants.push(Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 20 * 365 * 86_400_000));
  for (const tz of zones) {
    process.env.TZ = tz;
    for (const ms of instants) {
      const at = new Date(ms);
      assert.equal(nowIso(at), DateTime.fromJSDate(at).toISO({ includeOffset: true, suppressMilliseconds: false }), `${tz} ${at.toISOString()}`);
    }
  }
});
