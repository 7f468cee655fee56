/**
 * Time on the wire is ISO 8601 with the poster's offset; people see it in
 * their own zone, short.
 *
 * Both run once per message (a post's time, a shown line's), so neither does
 * a date library's work per call: both use Date's own getters (luxon only
 * for forms or values they do not vouch for), and displayTime keeps what
 * each second of wire time shows.
 */
import { DateTime } from "luxon";

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** Now, as the wire wants it: 2026-01-31T22:00:00.000-06:00 (what luxon's toISO gives in the local zone). */
export function nowIso(d = new Date()): string {
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
 * it grows large (history of many days). A time in the form nowIso writes is
 * read with Date; any other form, or a field out of range, goes to luxon.
 */
const WIRE_SECOND = /^((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d))(?:[.,]\d{1,9})?(Z|([+-])(\d\d):(\d\d))$/;
const shown = new Map<string, string>();
let today = { from: 0, until: 0 };
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
  if (ms >= today.until || shown.size >= MEMO_LIMIT) {
    shown.clear();
    const d = new Date(ms);
    today = { from: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(), until: new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime() };
  }
  const key = m[1]! + m[8]!;
  let text = shown.get(key);
  if (text === undefined) {
    text = quickTime(m) ?? formatTime(iso, DateTime.now());
    /* Not a time luxon reads: the text is the string itself, fraction and all. */
    if (text !== iso) shown.set(key, text);
  }
  return text;
}

/* The shown text of a matched wire time, from Date's getters; undefined for anything a round trip does not confirm (Feb 30, 24:00, years before 100). */
function quickTime(m: RegExpExecArray): string | undefined {
  const [year, month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6], m[7]].map(Number) as [number, number, number, number, number, number];
  const east = m[9] === undefined ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (year < 100 || hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const local = new Date(wall - east * 60_000);
  const time = `${pad2(local.getHours())}:${pad2(local.getMinutes())}:${pad2(local.getSeconds())}`;
  const at = local.getTime();
  if (at >= today.from && at < today.until) return time;
  return `${String(local.getFullYear()).padStart(4, "0")}-${pad2(local.getMonth() + 1)}-${pad2(local.getDate())} ${time}`;
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
