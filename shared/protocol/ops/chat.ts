/**
 * The chat family: posting a message (the hot path) and the list of channels.
 *
 *   request  ["post", id, channel, user, time, kind, body]          anyone, under a free name
 *   request  ["post", id, channel, user, time, kind, body, token]   logged in: the server
 *            decides the author from the token (user is the account's name)
 *   request  ["post2", "id SP channel SP user SP time SP kind", body]           the compact post:
 *   request  ["post2", "id SP channel SP user SP time SP kind", body, token]    the same post in
 *            3 frames (4), for servers whose hello answer has "posts": 2
 *   request  ["post2", "id SP channel SP user SP time SP kind SP after", body(, token)]
 *            a post sent while the one before it (id `after`) is unanswered, to a server whose
 *            hello answer has a "window" over 1: refused with out-of-order while `after` is
 *            refused (see Pipeline), so a sender's posts are recorded in the order sent
 *   answer   ["ok", seq, gseq]
 *
 * The compact post exists because receiving costs the server per frame
 * (zeromq.js makes a Buffer of each). Its meta frame is unambiguous: no
 * field can contain a space (ids and times are printable ASCII without
 * spaces, names exclude every \p{Z}, kind is say or me), so it splits on
 * each single space into exactly five fields, each checked by the same rule
 * with the same sentence as its frame in the 7-frame form.
 *   request  ["channels", {}]
 *   answer   ["ok", {"channels": [{"name", "messages", "users"}]}]
 */
import { isUtf8 } from "node:buffer";
import { CodecError } from "../errors.js";
import { checkBodyBytes, checkId, checkName, checkPostChannel, checkTime, checkToken, remembered } from "../validate.js";
import { POST_META_MAX_BYTES } from "../limits.js";
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

/**
 * Frames of the same post in the compact form (three, four with a login
 * token), for servers that take it; `after`, the id of the sender's post
 * still unanswered before it, for servers whose hello answer has a window.
 */
export function encodeCompactPost(post: Post, token?: string, after?: string): string[] {
  const meta = `${post.id} ${post.channel} ${post.user} ${post.time} ${post.kind}`;
  const frames = ["post2", after === undefined ? meta : `${meta} ${after}`, post.body];
  if (token !== undefined) frames.push(token);
  return frames;
}

/** A field as it arrived: its own frame, or a field of the compact meta once that is decoded. */
type Field = Uint8Array | string;

/** A post's fields as they arrived, not yet checked. */
interface RawPost {
  id: Field;
  channel: Field;
  user: Field;
  time: Field;
  kind: Field;
  body: Uint8Array;
  token: Uint8Array | undefined;
}

/** Validates the frames of a post (the op frame included); throws CodecError naming the first bad field. */
export function decodePost(frames: Frames): PostFrames {
  if (frames.length !== 7 && frames.length !== 8) {
    throw new CodecError("request", `'post' needs 7 frames (8 with a login token), got ${frames.length}`, "bad-request");
  }
  const [, id, channel, user, time, kind, body, token] = frames as Uint8Array[];
  return checkPost({ id: id!, channel: channel!, user: user!, time: time!, kind: kind!, body: body!, token });
}

/** Validates the frames of a compact post (the op frame included); the same checks and sentences as decodePost. */
export function decodeCompactPost(frames: Frames): PostFrames {
  if (frames.length !== 3 && frames.length !== 4) {
    throw new CodecError("request", `'post2' needs 3 frames (4 with a login token), got ${frames.length}`, "bad-request");
  }
  const meta = frames[1]!;
  if (meta.length > POST_META_MAX_BYTES) {
    throw new CodecError("meta", `is longer than ${POST_META_MAX_BYTES} bytes`, "bad-request");
  }
  const fields = metaFields(meta);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CodecError("meta", `must be 5 fields (id channel user time kind) and an optional 6th (after) separated by single spaces, got ${fields.length}`, "bad-request");
  }
  const [id, channel, user, time, kind, after] = fields as [Field, Field, Field, Field, Field, Field?];
  const post = checkPost({ id, channel, user, time, kind, body: frames[2]!, token: frames[3] });
  return after === undefined ? post : { ...post, after: checkId(ascii(after, "after"), "after") };
}

/**
 * The meta frame's fields, split on each space. Valid UTF-8 (every post a
 * client sends) is decoded once and split as a string; otherwise each field
 * stays bytes, so the field at fault is named as in the 7-frame form.
 */
function metaFields(meta: Uint8Array): Field[] {
  if (isUtf8(meta)) return (Buffer.isBuffer(meta) ? meta : Buffer.from(meta.buffer, meta.byteOffset, meta.byteLength)).toString("utf8").split(" ");
  const fields: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i <= meta.length; i++) {
    if (i === meta.length || meta[i] === 0x20) {
      fields.push(meta.subarray(from, i));
      from = i + 1;
    }
  }
  return fields;
}

const postChannel = remembered(checkPostChannel);
const userName = remembered((name) => checkName("user", name));

/* One set of checks for both forms, in one order, so a bad field is named by the same sentence whichever form carried it. */
function checkPost(p: RawPost): PostFrames {
  const kind = text(p.kind);
  if (kind !== "say" && kind !== "me") throw new CodecError("kind", "must be say or me");
  checkBodyBytes(p.body);
  return {
    op: "post",
    id: checkId(ascii(p.id, "id")),
    channel: postChannel(utf8(p.channel, "channel")),
    user: userName(utf8(p.user, "user")),
    time: checkTime(ascii(p.time, "time")),
    kind,
    body: Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body),
    ...(p.token === undefined ? {} : { token: checkToken(ascii(p.token, "token")) }),
  };
}

/** The reply to a recorded post. */
const OK = Buffer.from("ok");

export function encodePostAck(seq: number, gseq: number): Buffer[] {
  /* Buffers, not strings: see encodeMessage (publications.ts). */
  return [OK, Buffer.from(String(seq), "latin1"), Buffer.from(String(gseq), "latin1")];
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
