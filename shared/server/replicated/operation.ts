/**
 * One change to the shared state, as the state stream carries it: which
 * store, which of its changing methods, and the arguments, in JSON.
 *
 *   { "i": "<id>", "s": "accounts", "m": "add", "a": [ {...account} ], "o": 1 }
 *
 * `i` is the operation's id: the NATS message id too (JetStream drops a
 * second publish of it within its duplicate window, so a retried publish
 * is stored once), and how the issuing server recognises its own
 * operation when it is applied. `o` marks an operation that several
 * servers may issue for one fact (an alert: each server sees the committed
 * post), whose id is derived from that fact: applied once, whoever issued it.
 *
 * JSON loses two things the stores' arguments have: Buffers (a password's
 * salt and hash), written {"$b": "<base64>"}, and `undefined` in an array
 * (append's absent message), written {"$u": 1}. Both come back as they were.
 */
export type StoreName = "accounts" | "conversations" | "watches";

export interface Operation {
  /** Unique id (or, with `o`, the fact's id). */
  i: string;
  s: StoreName;
  m: string;
  a: unknown[];
  o?: 1;
}

/** An operation's bytes. */
export function encodeOperation(op: Operation): Uint8Array {
  return Buffer.from(JSON.stringify(op, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (Buffer.isBuffer(raw)) return { $b: raw.toString("base64") };
    if (value === undefined && Array.isArray(this)) return { $u: 1 };
    return value;
  }));
}

/** An operation from its bytes; throws on anything that is not one. */
export function decodeOperation(data: Uint8Array): Operation {
  const op = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"), (_key, value: unknown) => {
    /* Children are revived first: an array gets its undefined elements back (a reviver returning undefined would leave a hole). */
    if (Array.isArray(value)) return value.includes(UNDEFINED) ? value.map((v) => (v === UNDEFINED ? undefined : v)) : value;
    if (value !== null && typeof value === "object") {
      const o = value as Record<string, unknown>;
      if (typeof o.$b === "string" && Object.keys(o).length === 1) return Buffer.from(o.$b, "base64");
      if (o.$u === 1 && Object.keys(o).length === 1) return UNDEFINED;
    }
    return value;
  }) as Operation;
  if (typeof op?.i !== "string" || typeof op.s !== "string" || typeof op.m !== "string" || !Array.isArray(op.a)) {
    throw new Error("not an operation");
  }
  return op;
}

const UNDEFINED = Symbol("undefined");
