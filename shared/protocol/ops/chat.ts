/**
 * The chat family: posting a message (seven frames each way, the hot path)
 * and the list of channels.
 *
 *   request  ["post", id, channel, user, time, kind, body]          anyone, under a free name
 *   request  ["post", id, channel, user, time, kind, body, token]   logged in: the server
 *            decides the author from the token (user is the account's name)
 *   answer   ["ok", seq, gseq]
 *   request  ["channels", {}]
 *   answer   ["ok", {"channels": [{"name", "messages", "users"}]}]
 */
import { CodecError } from "../errors.js";
import { checkBodyBytes, checkId, checkName, checkPostChannel, checkTime, checkToken } from "../validate.js";
import { ascii, int, list, num, text, utf8, type Frames } from "../fields.js";
import { okFrames } from "../replies.js";
import type { Post, PostFrames } from "../types.js";
import type { ControlOp } from "./control-op.js";

/** Frames of a post request; with a login token, eight. */
export function encodePost(post: Post, token?: string): string[] {
  const frames = ["post", post.id, post.channel, post.user, post.time, post.kind, post.body];
  if (token !== undefined) frames.push(token);
  return frames;
}

/** Validates the frames of a post (the op frame included); throws CodecError naming the first bad field. */
export function decodePost(frames: Frames): PostFrames {
  if (frames.length !== 7 && frames.length !== 8) {
    throw new CodecError("request", `'post' needs 7 frames (8 with a login token), got ${frames.length}`, "bad-request");
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
    ...(frames.length === 8 ? { token: checkToken(ascii(frames[7]!, "token")) } : {}),
  };
}

/** The reply to a recorded post. */
export function encodePostAck(seq: number, gseq: number): string[] {
  return ["ok", String(seq), String(gseq)];
}

/** Decodes a post's ack; an error reply throws RejectedError. */
export function decodePostAck(frames: Frames): { seq: number; gseq: number } {
  okFrames(frames, 3);
  return { seq: num(frames[1]!, "seq"), gseq: num(frames[2]!, "gseq") };
}

export type ChannelsRequest = { op: "channels" };
export interface ChannelsAnswer {
  channels: { name: string; messages: number; users: number }[];
}

export const channels: ControlOp<ChannelsRequest, ChannelsAnswer> = {
  op: "channels",
  toJson: () => ({}),
  fromJson: () => ({ op: "channels" }),
  answer: (a) => ({
    channels: list(a, "channels", Number.MAX_SAFE_INTEGER, (c) => ({
      name: checkName("channel", typeof c.name === "string" ? c.name : ""),
      messages: int(c, "messages", 0, Number.MAX_SAFE_INTEGER),
      users: int(c, "users", 0, Number.MAX_SAFE_INTEGER),
    })),
  }),
};
