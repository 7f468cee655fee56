/**
 * Time on the wire is ISO 8601 with the poster's offset; people see it in
 * their own zone, short.
 */
import { DateTime } from "luxon";

/**
 * Now, as the wire wants it: 2026-01-31T22:00:00.000-06:00, what luxon's
 * `DateTime.now().toISO()` gives, read from a Date: luxon's first DateTime
 * sets up Intl for the system locale (about 20 ms of CPU, issue 16), which
 * every client paid at its hello whether or not it showed a time.
 */
export function nowIso(now = new Date()): string {
  const offset = -now.getTimezoneOffset();
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const date = `${pad(now.getFullYear(), 4)}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
  return `${date}T${time}${offset < 0 ? "-" : "+"}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/**
 * A wire time for display in the local zone: the time of day for today's
 * messages, with the date for older ones.
 */
export function displayTime(iso: string, now: DateTime = DateTime.now()): string {
  const t = DateTime.fromISO(iso, { setZone: false });
  if (!t.isValid) return iso;
  const local = t.toLocal();
  return local.hasSame(now, "day") ? local.toFormat("HH:mm:ss") : local.toFormat("yyyy-MM-dd HH:mm:ss");
}

/** A short "since" for presence lists: 14:03, or Nov 20 14:03 on another day. */
export function displaySince(iso: string, now: DateTime = DateTime.now()): string {
  const t = DateTime.fromISO(iso).toLocal();
  if (!t.isValid) return iso;
  return t.hasSame(now, "day") ? t.toFormat("HH:mm") : t.toFormat("LLL d HH:mm");
}
