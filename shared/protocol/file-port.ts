/**
 * What the file port takes (ops/files.ts says what each request means):
 * the typed map from op to request and answer, and the one dispatch from
 * frames to a decoded request. The post port knows none of these ops, and
 * the file port none of the post port's.
 *
 *   +---------+------+            offer, get, fetch, files
 *   |   op    | json |
 *   +---------+------+
 *   +---------+------+-------+    put: the chunk's bytes in a frame of their own
 *   |  "put"  | json | bytes |
 *   +---------+------+-------+
 */
import { CodecError, MalformedAnswerError } from "./errors.js";
import { ANSWER_MAX_BYTES, CONTROL_MAX_BYTES } from "./limits.js";
import { json, printable, text, type Frames } from "./fields.js";
import { okFrames } from "./replies.js";
import { decodeFetchAnswer, fetchChunk, getFile, listFiles, offer, putBytes, putChunk, type FetchAnswer, type FileRequest } from "./ops/files.js";

/** The file port's operations, by the name in their first frame. */
export const FILE_OPS = { offer, put: putChunk, get: getFile, fetch: fetchChunk, files: listFiles } as const;

type FileOps = typeof FILE_OPS;
/** The name of a file port operation. */
export type FileOp = keyof FileOps;
/** The validated answer of file operation K (a fetch's carries its bytes). */
export type FileAnswerOf<K extends FileOp> = K extends "fetch" ? FetchAnswer : ReturnType<FileOps[K]["answer"]>;

/** Frames of a file port request. */
export function encodeFileRequest(r: FileRequest): (string | Buffer)[] {
  const body = JSON.stringify((FILE_OPS[r.op].toJson as (x: FileRequest) => object)(r));
  return r.op === "put" ? [r.op, body, r.bytes] : [r.op, body];
}

/** Validates and decodes a file port request (without the envelope); throws CodecError naming the first bad field. */
export function decodeFileRequest(frames: Frames): FileRequest {
  if (frames.length === 0) throw new CodecError("request", "has no frames", "bad-request");
  const name = text(frames[0]!);
  if (!Object.hasOwn(FILE_OPS, name)) {
    throw new CodecError("op", `'${printable(name)}' is not a known request on the file port`, "bad-request");
  }
  const count = name === "put" ? 3 : 2;
  if (frames.length !== count) {
    throw new CodecError("request", `'${name}' needs ${count} frames, got ${frames.length}`, "bad-request");
  }
  const o = json(frames[1]!, CONTROL_MAX_BYTES);
  if (name === "put") return { ...putChunk.fromJson(o), bytes: putBytes(frames[2]!) };
  return (FILE_OPS[name as Exclude<FileOp, "put">].fromJson as (x: Record<string, unknown>) => FileRequest)(o);
}

/**
 * Decodes and validates the answer to a file port request. An error reply
 * throws RejectedError; an answer that breaks the protocol throws
 * MalformedAnswerError.
 */
export function decodeFileAnswer<K extends FileOp>(op: K, frames: Frames): FileAnswerOf<K> {
  try {
    if (op === "fetch") return decodeFetchAnswer(frames) as FileAnswerOf<K>;
    okFrames(frames, 2);
    return (FILE_OPS[op].answer as (a: Record<string, unknown>) => FileAnswerOf<K>)(json(frames[1]!, ANSWER_MAX_BYTES));
  } catch (err) {
    if (err instanceof CodecError) throw new MalformedAnswerError(op, err);
    throw err;
  }
}
