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

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Throws unless `time` is ISO 8601 (extended, seconds, offset or Z), e.g. 2026-01-31T22:00:00.000-06:00. */
export function checkTime(time: string): string {
  const m = ISO.exec(time);
  if (m === null) {
    throw new CodecError("time", "must be ISO 8601 with an offset, like 2026-01-31T22:00:00.000-06:00");
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : DAYS[month - 1];
  const bad =
    month < 1 || month > 12 || day < 1 || day > (days ?? 0) ||
    Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59 ||
    (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59));
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
