/**
 * What /since takes: a time of day today (`14:00`, `14:00:30`, local time),
 * an ISO 8601 date or date-time (`2026-01-31T14:00`, local unless it names
 * an offset), or a span ago (`2h`, `30m`, `1h30m`, `45s`, `2d`). The answer
 * is an instant, for the server's `since`, which it compares with the time
 * it received each message (not the poster's claim).
 */
import { DateTime, Duration } from "luxon";
import { ChatError } from "../errors.js";

/** A /since argument that is none of the forms, or names a time still to come. */
export class SinceTimeError extends ChatError {
  override name = "SinceTimeError";
  constructor(readonly input: string, reason: string) {
    super(`${reason}: /since takes 14:00 (today), an ISO date-time like 2026-01-31T14:00, or 2h / 30m ago`);
  }
}

const UNITS = { d: "days", h: "hours", m: "minutes", s: "seconds" } as const;

/** The instant a /since argument names, read against `now` in its zone; throws SinceTimeError. */
export function parseSinceTime(input: string, now: DateTime = DateTime.now()): DateTime {
  const text = input.trim();
  if (text === "") throw new SinceTimeError(input, "since when?");
  const t = timeOfDay(text, now) ?? ago(text, now) ?? isoTime(text, now);
  if (!t) throw new SinceTimeError(input, `'${text}' is not a time`);
  if (t > now) throw new SinceTimeError(input, `${text} is still to come (it is ${now.toFormat("HH:mm")} now)`);
  return t;
}

/** `14:00` or `14:00:30`: today, in the local zone. */
function timeOfDay(text: string, now: DateTime): DateTime | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) throw new SinceTimeError(text, `'${text}' is not a time of day`);
  return now.set({ hour, minute, second, millisecond: 0 });
}

/** `2h`, `30m`, `1h30m`, `2d`, `45s`: that long before now. */
function ago(text: string, now: DateTime): DateTime | undefined {
  if (!/^(\d+[dhms])+$/i.test(text)) return undefined;
  const span: Record<string, number> = {};
  for (const [, n, unit] of text.toLowerCase().matchAll(/(\d+)([dhms])/g)) {
    const key = UNITS[unit as keyof typeof UNITS];
    span[key] = (span[key] ?? 0) + Number(n);
  }
  return now.minus(Duration.fromObject(span));
}

/** An ISO 8601 date or date-time; without an offset, in `now`'s zone. */
function isoTime(text: string, now: DateTime): DateTime | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const t = DateTime.fromISO(text, { zone: now.zone, setZone: true });
  return t.isValid ? t : undefined;
}
