/**
 * Requests, client REQ -> server ROUTER: a post in seven frames, control
 * requests in two (op and a JSON object). See shared/codec.ts for the layout.
 */
import { HISTORY_MAX } from "../limits.js";
import { CodecError } from "../../errors.js";
import { checkBodyBytes, checkId, checkName, checkPostChannel, checkTime, checkViewChannel } from "../validate.js";
import { ascii, int, json, printable, str, text, utf8, type Frames } from "../fields.js";
import type { ControlRequest, Post, PostFrames, Request } from "../types.js";

/** Frames of a post request. */
export function encodePost(post: Post): string[] {
  return ["post", post.id, post.channel, post.user, post.time, post.kind, post.body];
}

/** Frames of a control request. */
export function encodeControl(request: ControlRequest): string[] {
  switch (request.op) {
    case "history":
      return ["history", JSON.stringify(request.query)];
    case "hello":
      return ["hello", JSON.stringify(request.hello)];
    case "bye":
      return ["bye", JSON.stringify({ session: request.session })];
    case "who":
      return ["who", JSON.stringify({ channel: request.channel })];
    case "channels":
      return ["channels", "{}"];
  }
}

/**
 * Validates and decodes a request (without the REQ envelope). Throws
 * CodecError naming the first bad field; posts to ALL throw with code read-only.
 */
export function decodeRequest(frames: Frames): Request {
  if (frames.length === 0) throw new CodecError("request", "has no frames", "bad-request");
  const op = text(frames[0]!);
  if (op === "post") return decodePostFrames(frames);
  if (frames.length !== 2) {
    throw new CodecError("request", `'${printable(op)}' needs 2 frames, got ${frames.length}`, "bad-request");
  }
  switch (op) {
    case "history": {
      const q = json(frames[1]!);
      const channel = checkViewChannel(str(q, "channel"));
      const limit = q.limit === undefined ? 20 : int(q, "limit", 0, HISTORY_MAX);
      const after = q.after === undefined ? undefined : int(q, "after", 0, Number.MAX_SAFE_INTEGER);
      return { op, query: after === undefined ? { channel, limit } : { channel, after, limit } };
    }
    case "hello": {
      const h = json(frames[1]!);
      const channels = h.channels;
      if (!Array.isArray(channels) || channels.length > 64) {
        throw new CodecError("channels", "must be a list of at most 64 channel names");
      }
      return {
        op,
        hello: {
          session: checkId(str(h, "session"), "session"),
          user: checkName("user", str(h, "user")),
          channels: channels.map((c) => checkViewChannel(typeof c === "string" ? c : "")),
        },
      };
    }
    case "bye":
      return { op, session: checkId(str(json(frames[1]!), "session"), "session") };
    case "who":
      return { op, channel: checkViewChannel(str(json(frames[1]!), "channel")) };
    case "channels":
      json(frames[1]!);
      return { op };
    default:
      throw new CodecError("op", `'${printable(op)}' is not a known request`, "bad-request");
  }
}

function decodePostFrames(frames: Frames): PostFrames {
  if (frames.length !== 7) {
    throw new CodecError("request", `'post' needs 7 frames, got ${frames.length}`, "bad-request");
  }
  const kind = text(frames[5]!);
  if (kind !== "say" && kind !== "me") throw new CodecError("kind", "must be say or me");
  const body = frames[6]!;
  checkBodyBytes(body);
  return {
    op: "post",
    id: checkId(ascii(frames[1]!, "id")),
    channel: checkPostChannel(utf8(frames[2]!, "channel")),
    user: checkName("user", utf8(frames[3]!, "user")),
    time: checkTime(ascii(frames[4]!, "time")),
    kind,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  };
}
