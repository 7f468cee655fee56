/**
 * Reading frames and JSON fields for the codec: each reader validates as it
 * goes and throws a CodecError naming the field.
 */
import { CONTROL_MAX_BYTES } from "./limits.js";
import { CodecError } from "./errors.js";

/** Received or about-to-be-sent frames. */
export type Frames = readonly (Buffer | Uint8Array)[];

/* ignoreBOM: a leading U+FEFF is kept, so the field rules see it (and refuse it in a name) instead of it vanishing. */
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/*
 * text, ascii and utf8 also take a field already decoded from a valid UTF-8
 * frame (the compact post's meta, decoded once): the same checks and
 * sentences, without a frame each.
 */
export function text(frame: Uint8Array | string): string {
  if (typeof frame === "string") return frame;
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString("latin1");
}

export function ascii(frame: Uint8Array | string, field: string): string {
  if (typeof frame === "string") {
    for (let i = 0; i < frame.length; i++) {
      const c = frame.charCodeAt(i);
      if (c > 0x7e || c < 0x20) throw new CodecError(field, "must be printable ASCII");
    }
    return frame;
  }
  for (let i = 0; i < frame.length; i++) {
    if (frame[i]! > 0x7e || frame[i]! < 0x20) throw new CodecError(field, "must be printable ASCII");
  }
  return text(frame);
}

export function utf8(frame: Uint8Array | string, field: string): string {
  if (typeof frame === "string") return frame;
  try {
    return decoder.decode(frame);
  } catch {
    throw new CodecError(field, "is not valid UTF-8");
  }
}

/** Parses a JSON object frame; `limit` bounds what a client may send the server. */
export function json(frame: Uint8Array, limit = CONTROL_MAX_BYTES): Record<string, unknown> {
  if (frame.length > limit) {
    throw new CodecError("json", `is longer than ${limit} bytes`, "bad-request");
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8(frame, "json"));
  } catch (err) {
    if (err instanceof CodecError) throw new CodecError("json", err.reason, "bad-request");
    throw new CodecError("json", "is not valid JSON", "bad-request");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CodecError("json", "must be a JSON object", "bad-request");
  }
  return value as Record<string, unknown>;
}

export function str(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== "string") throw new CodecError(field, "must be a string");
  return v;
}

export function int(o: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = o[field];
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
    throw new CodecError(field, `must be a whole number from ${min} to ${max}`);
  }
  return v as number;
}

/** A list of at most `max` objects, each validated by `item`. */
export function list<T>(o: Record<string, unknown>, field: string, max: number, item: (v: Record<string, unknown>) => T): T[] {
  const v = o[field];
  if (!Array.isArray(v) || v.length > max) throw new CodecError(field, `must be a list of at most ${max} items`);
  return v.map((x) => {
    if (typeof x !== "object" || x === null || Array.isArray(x)) throw new CodecError(field, "must be a list of objects");
    return item(x as Record<string, unknown>);
  });
}

export const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

export function decimal(s: string, field: string): number {
  const n = Number(s);
  if (!DECIMAL.test(s) || !Number.isSafeInteger(n)) throw new CodecError(field, "must be a decimal number");
  return n;
}

export function num(frame: Uint8Array, field: string): number {
  return decimal(text(frame), field);
}

/** A short, printable rendering of an untrusted string for an error sentence. */
export function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 24 ? `${clean.slice(0, 24)}...` : clean;
}
