/**
 * Field validation shared by the codec (on both ends) and the CLIs.
 * Every check throws a CodecError naming the field; nothing here allocates
 * more than the string it is given.
 */
import { isUtf8 } from "node:buffer";
import { ALL, BODY_MAX_BYTES, ID_MAX_BYTES, NAME_MAX_CHARS, PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES } from "./limits.js";
import { CodecError } from "./errors.js";

/*
 * Names: 1..32 code points of any script, emoji included; no whitespace or
 * separators (\p{Z}), no control (\p{Cc}), invisible formatting (\p{Cf}) or
 * lone surrogate (\p{Cs}) characters. The NUL that ends a PUB topic is a
 * control character, so no name can contain it; the space that separates
 * the fields of a publication's meta frame is excluded too.
 */
const NAME = /^[^\p{Z}\p{Cc}\p{Cf}\p{Cs}]+$/u;

/** Throws unless `name` is a valid user or channel name in NFC form. */
export function checkName(field: "user" | "channel" | "group" | "to" | "with" | "keyword", name: string): string {
  if (name.length === 0) throw new CodecError(field, "is empty");
  if (!NAME.test(name)) {
    throw new CodecError(field, "contains whitespace, control or invisible characters");
  }
  // Count code points without allocating: a surrogate pair is one character.
  let chars = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) chars++;
  }
  if (chars > NAME_MAX_CHARS) {
    throw new CodecError(field, `is longer than ${NAME_MAX_CHARS} characters`);
  }
  if (name !== name.normalize("NFC")) {
    throw new CodecError(field, "is not in Unicode NFC form");
  }
  // A user called ALL would read as a channel in ALL's view (#dev ALL: hi).
  if (field === "user" && name.toUpperCase() === ALL) {
    throw new CodecError(field, `'${name}' is reserved for the view of every channel`);
  }
  return name;
}

/**
 * `check`, remembering the strings it passed: a chat has few names, and
 * every post repeats its user's and channel's, which then cost a lookup
 * instead of the Unicode checks. At most `max` are kept (then forgotten
 * all at once), so a flood of new names cannot grow it.
 */
export function remembered(check: (s: string) => string, max = 1024): (s: string) => string {
  const passed = new Set<string>();
  return (s) => {
    if (passed.has(s)) return s;
    check(s);
    if (passed.size >= max) passed.clear();
    passed.add(s);
    return s;
  };
}

/**
 * Throws unless `channel` names a channel that can be posted to: a valid
 * name that is not ALL in any spelling (all, All...), each refused the same way.
 */
export function checkPostChannel(channel: string): string {
  checkName("channel", channel);
  if (channel.toUpperCase() === ALL) {
    throw new CodecError("channel", "ALL is read-only: it shows every channel but cannot be posted to", "read-only");
  }
  return channel;
}

/** Throws unless `name` can be followed: a post channel, or ALL spelt exactly so (all would only confuse). */
export function checkViewChannel(channel: string): string {
  if (channel === ALL) return channel;
  if (channel.toUpperCase() === ALL) {
    throw new CodecError("channel", `'${channel}' is reserved; use ALL to read every channel`);
  }
  return checkPostChannel(channel);
}

/** Throws unless `password` is PASSWORD_MIN_BYTES..PASSWORD_MAX_BYTES of UTF-8 (any characters: it is never shown). */
export function checkPassword(password: string, field = "password"): string {
  const bytes = Buffer.byteLength(password, "utf8");
  if (/\p{Cs}/u.test(password)) throw new CodecError(field, "is not valid Unicode");
  if (bytes < PASSWORD_MIN_BYTES || bytes > PASSWORD_MAX_BYTES) {
    throw new CodecError(field, `must be ${PASSWORD_MIN_BYTES} to ${PASSWORD_MAX_BYTES} bytes long`);
  }
  return password;
}

const TOKEN = /^[0-9a-f]{64}$/;

/** Throws unless `token` has the form of a login token: 64 lowercase hex digits (256 random bits). */
export function checkToken(token: string): string {
  if (!TOKEN.test(token)) throw new CodecError("token", "must be 64 hexadecimal digits");
  return token;
}

const ID = /^[\x21-\x7e]+$/;

/** Throws unless `id` is 1..64 printable ASCII characters without spaces; `field` names it in the error. */
export function checkId(id: string, field = "id"): string {
  if (id.length === 0 || id.length > ID_MAX_BYTES || !ID.test(id)) {
    throw new CodecError(field, `must be 1 to ${ID_MAX_BYTES} printable ASCII characters without spaces`);
  }
  return id;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME_FORM = "must be ISO 8601 with an offset, like 2026-01-31T22:00:00.000-06:00";

/** The number written by `n` ASCII digits of `s` at `at`, or -1 when one is not a digit. */
function digits(s: string, at: number, n: number): number {
  let value = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Throws unless `time` is ISO 8601 (extended, seconds, offset or Z), e.g.
 * 2026-01-31T22:00:00.000-06:00: YYYY-MM-DDTHH:MM:SS, then 1 to 9 digits of
 * a fraction after a dot if any, then Z or +HH:MM or -HH:MM, and a real date
 * and time. Read character by character: every post carries one.
 */
export function checkTime(time: string): string {
  const year = digits(time, 0, 4);
  const month = digits(time, 5, 2);
  const day = digits(time, 8, 2);
  const hours = digits(time, 11, 2);
  const minutes = digits(time, 14, 2);
  const seconds = digits(time, 17, 2);
  let form = time.length >= 20 && year >= 0 && month >= 0 && day >= 0 && hours >= 0 && minutes >= 0 && seconds >= 0 &&
    time[4] === "-" && time[7] === "-" && time[10] === "T" && time[13] === ":" && time[16] === ":";
  let at = 19;
  if (form && time[at] === ".") {
    const from = ++at;
    while (at < time.length && digits(time, at, 1) >= 0) at++;
    form = at - from >= 1 && at - from <= 9;
  }
  let offset = 0;
  let offsetMinutes = 0;
  if (form && time[at] === "Z") form = at + 1 === time.length;
  else if (form && (time[at] === "+" || time[at] === "-")) {
    offset = digits(time, at + 1, 2);
    offsetMinutes = digits(time, at + 4, 2);
    form = at + 6 === time.length && time[at + 3] === ":" && offset >= 0 && offsetMinutes >= 0;
  } else form = false;
  if (!form) throw new CodecError("time", TIME_FORM);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : DAYS[month - 1];
  const bad =
    month < 1 || month > 12 || day < 1 || day > (days ?? 0) ||
    hours > 23 || minutes > 59 || seconds > 59 || offset > 23 || offsetMinutes > 59;
  if (bad) throw new CodecError("time", "is not a real date and time");
  return time;
}

/**
 * Throws unless `body` is 1..16 KiB of UTF-8 with something besides blanks,
 * and no control characters other than tab and newline: a body may never
 * carry terminal escape sequences to other people's screens.
 */
export function checkBodyBytes(body: Uint8Array): void {
  if (body.length > BODY_MAX_BYTES) {
    throw new CodecError("body", `is longer than ${BODY_MAX_BYTES} bytes`);
  }
  if (!isUtf8(body)) throw new CodecError("body", "is not valid UTF-8");
  let blank = true;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b < 0x20) {
      if (b !== 0x09 && b !== 0x0a) throw new CodecError("body", "contains control characters");
    } else if (b === 0x7f || (b === 0xc2 && body[i + 1]! >= 0x80 && body[i + 1]! <= 0x9f)) {
      throw new CodecError("body", "contains control characters");
    } else if (b !== 0x20) {
      blank = false;
    }
  }
  if (blank) throw new CodecError("body", "is empty");
}

const LONE_SURROGATE = /\p{Cs}/u;

/** The string form of {@link checkBodyBytes}. */
export function checkBody(body: string): string {
  if (LONE_SURROGATE.test(body)) throw new CodecError("body", "is not valid Unicode");
  checkBodyBytes(Buffer.from(body, "utf8"));
  return body;
}

/** Throws unless `name` can name a group: a name (checkName) that is not ALL in any spelling. */
export function checkGroup(name: string, field: "group" | "to" | "with" = "group"): string {
  checkName(field, name);
  if (name.toUpperCase() === ALL) throw new CodecError(field, `'${name}' is reserved for the view of every channel`);
  return name;
}

/**
 * Throws unless `keyword` can be watched: one word, 1..32 characters, no
 * whitespace or control characters (checkName's rules), matched whole and
 * case-insensitively against channel messages.
 */
export function checkKeyword(keyword: string): string {
  return checkName("keyword", keyword);
}
