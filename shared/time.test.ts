import { test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { nowIso } from "./time.js";

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
