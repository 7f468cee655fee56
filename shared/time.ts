/**
 * Time on the wire is ISO 8601 with the poster's offset; people see it in
 * their own zone, short.
 *
 * Both run once per message (a post's time, a shown line's), so neither does
 * a date library's work per call: nowIso formats with Date's own getters, and
 * displayTime keeps what each second of wire time shows (luxon computes it
 * once per second seen, not once per line).
 */
import { DateTime } from "luxon";

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** Now, as the wire wants it: 2026-01-31T22:00:00.000-06:00 (what luxon's toISO gives in the local zone). */
export function nowIso(): string {
  const d = new Date();
  const year = d.getFullYear();
  /* Outside 0..9999 ISO wants a sign and six digits: luxon's own format, then. */
  if (year < 0 || year > 9999) return DateTime.fromJSDate(d).toISO({ includeOffset: true, suppressMilliseconds: false })!;
  const east = -d.getTimezoneOffset();
  const abs = Math.abs(east);
  const offset = `${east < 0 ? "-" : "+"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  return `${String(year).padStart(4, "0")}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}${offset}`;
}

/*
 * What a wire time shows, by its second (the fraction never shows) and its
 * offset. "Today" moves at local midnight: the memo is dropped then, and when
 * it grows large (history of many days).
 */
const WIRE_SECOND = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[.,]\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const shown = new Map<string, string>();
let shownUntil = 0;
const MEMO_LIMIT = 4096;

/**
 * A wire time for display in the local zone: the time of day for today's
 * messages, with the date for older ones. `now` given: computed afresh.
 */
export function displayTime(iso: string, now?: DateTime): string {
  if (now !== undefined) return formatTime(iso, now);
  const m = WIRE_SECOND.exec(iso);
  if (!m) return formatTime(iso, DateTime.now());
  const ms = Date.now();
  if (ms >= shownUntil || shown.size >= MEMO_LIMIT) {
    shown.clear();
    const d = new Date(ms);
    shownUntil = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  }
  const key = m[1]! + m[2]!;
  let text = shown.get(key);
  if (text === undefined) {
    text = formatTime(iso, DateTime.now());
    /* Not a time luxon reads: the text is the string itself, fraction and all. */
    if (text !== iso) shown.set(key, text);
  }
  return text;
}

function formatTime(iso: string, now: DateTime): string {
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
