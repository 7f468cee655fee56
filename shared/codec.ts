/**
 * The wire protocol (mchat/1): every frame any part sends or receives is
 * built and parsed here, nowhere else. All text is UTF-8.
 *
 * Requests, client REQ -> server ROUTER (REQ adds and strips the empty
 * delimiter frame; a DEALER client must send it itself):
 *
 *   +--------+----+---------+------+------+------+------+
 *   | "post" | id | channel | user | time | kind | body |   7 frames
 *   +--------+----+---------+------+------+------+------+
 *   +------+------+
 *   |  op  | json |   2 frames; op is history, hello, bye, who or channels
 *   +------+------+
 *
 * Replies, server -> client, one per request:
 *
 *   ["ok", seq, gseq]                    a post was recorded (decimal numbers)
 *   ["ok", json]                         a control request's answer
 *   ["err", code, sentence]              refused; nothing was recorded
 *   ["err", "slow-down", sentence, ms]   refused for now; retry after ms
 *
 * Publications, server XPUB -> client SUB:
 *
 *   +---------------+-------------------------------------------------+------+
 *   | channel, NUL  | kind SP epoch SP seq SP gseq SP id SP user SP time | body |
 *   +---------------+-------------------------------------------------+------+
 *   +-------------+------+
 *   | NUL, event  | json |   event is hb, presence or sync-<token>
 *   +-------------+------+
 *
 * The NUL that ends a channel's topic is what makes SUB's prefix match exact:
 * subscribing to "dev\0" can never match "devops\0". Events start with NUL,
 * which no channel name can, so "\0" subscribes to every event and "" to
 * everything. Names never contain spaces, so the meta frame splits on SP.
 *
 * A subscriber that subscribes to "\0sync-<token>" after its other topics
 * gets a sync event (a heartbeat) on exactly that topic once the server has
 * seen the subscription: proof that its earlier subscriptions are active.
 */
import { CONTROL_MAX_BYTES, HISTORY_MAX } from "./limits.js";
import { CodecError, RejectedError, type ErrorCode } from "./errors.js";
import { checkBody, checkBodyBytes, checkId, checkName, checkPostChannel, checkTime, checkViewChannel } from "./validate.js";

/** A plain line, or an action written with /me. */
export type Kind = "say" | "me";

/** What a client posts. */
export interface Post {
  id: string;
  channel: string;
  user: string;
  time: string;
  kind: Kind;
  body: string;
}

/** A post as the server recorded and numbered it. */
export interface ChatMessage extends Post {
  /** Identifies one run of a server's numbering (it changes on restart without a store). */
  epoch: string;
  /** Position in its channel, from 1. */
  seq: number;
  /** Position among all channels' messages, from 1: the order ALL shows. */
  gseq: number;
}

/** The server's view of a post: the body stays the bytes that arrived, to be forwarded untouched. */
export interface PostFrames {
  op: "post";
  id: string;
  channel: string;
  user: string;
  time: string;
  kind: Kind;
  body: Buffer;
}

export interface HistoryQuery {
  /** A channel, or ALL for every channel in global order. */
  channel: string;
  /** Only messages numbered after this (seq, or gseq for ALL); without it, the newest. */
  after?: number;
  limit: number;
}
export interface HistoryAnswer {
  epoch: string;
  /** The newest number in that channel (gseq for ALL) when the server answered. */
  head: number;
  messages: ChatMessage[];
}
export interface Hello {
  session: string;
  user: string;
  channels: string[];
}
export interface HelloAnswer {
  epoch: string;
  heartbeatMs: number;
  presenceMs: number;
}
export interface WhoAnswer {
  users: { user: string; since: string }[];
}
export interface ChannelsAnswer {
  channels: { name: string; messages: number; users: number }[];
}

export type ControlRequest =
  | { op: "history"; query: HistoryQuery }
  | { op: "hello"; hello: Hello }
  | { op: "bye"; session: string }
  | { op: "who"; channel: string }
  | { op: "channels" };

export type Request = PostFrames | ControlRequest;

export interface Heartbeat {
  epoch: string;
  gseq: number;
  /** Newest seq of each channel that had messages lately. */
  heads: Record<string, number>;
  time: string;
}
export interface Presence {
  event: "join" | "leave";
  user: string;
  channel: string;
}

export type Publication =
  | { type: "message"; message: ChatMessage }
  | { type: "heartbeat"; heartbeat: Heartbeat; sync?: string }
  | { type: "presence"; presence: Presence };

type Frames = readonly (Buffer | Uint8Array)[];

const NUL = 0;
const EVENT_HB = "\0hb";
const EVENT_PRESENCE = "\0presence";
const EVENT_SYNC = "\0sync-";

// ---------------------------------------------------------------- requests

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

// ----------------------------------------------------------------- replies

/** The reply to a recorded post. */
export function encodePostAck(seq: number, gseq: number): string[] {
  return ["ok", String(seq), String(gseq)];
}

/** The reply to a control request. */
export function encodeControlAnswer(answer: object): string[] {
  return ["ok", JSON.stringify(answer)];
}

/** An error reply; `retryAfterMs` only with slow-down. */
export function encodeError(code: ErrorCode, sentence: string, retryAfterMs?: number): string[] {
  return retryAfterMs === undefined ? ["err", code, sentence] : ["err", code, sentence, String(retryAfterMs)];
}

/** Decodes a post's ack; an error reply throws RejectedError. */
export function decodePostAck(frames: Frames): { seq: number; gseq: number } {
  okFrames(frames, 3);
  return { seq: num(frames[1]!, "seq"), gseq: num(frames[2]!, "gseq") };
}

/** Decodes a control answer's JSON; an error reply throws RejectedError. */
export function decodeControlAnswer<T>(frames: Frames): T {
  okFrames(frames, 2);
  // The request limit is no bound on answers: a history answer holds up to HISTORY_MAX messages.
  return json(frames[1]!, Infinity) as T;
}

/** Decodes a history answer, validating every message in it. */
export function decodeHistoryAnswer(frames: Frames): HistoryAnswer {
  const a = decodeControlAnswer<Record<string, unknown>>(frames);
  const messages = a.messages;
  if (!Array.isArray(messages)) throw new CodecError("messages", "must be a list");
  return {
    epoch: str(a, "epoch"),
    head: int(a, "head", 0, Number.MAX_SAFE_INTEGER),
    messages: messages.map((m) => checkMessage(m as Record<string, unknown>)),
  };
}

function okFrames(frames: Frames, count: number): void {
  const status = frames.length > 0 ? text(frames[0]!) : "";
  if (status === "err" && frames.length >= 3) {
    const retry = frames.length >= 4 ? text(frames[3]!) : "";
    // The sentence is UTF-8 shown to a person: control characters (terminal escapes) never get through.
    const sentence = Buffer.from(frames[2]!).toString("utf8").replace(/[\x00-\x1f\x7f-\x9f]/g, "?");
    throw new RejectedError(printable(text(frames[1]!)), sentence, DECIMAL.test(retry) ? Number(retry) : undefined);
  }
  if (status !== "ok" || frames.length !== count) {
    throw new CodecError("reply", `is not a valid reply (${frames.length} frames)`, "bad-request");
  }
}

// ------------------------------------------------------------ publications

/** The topic a SUB subscribes to for one channel. */
export function channelTopic(channel: string): Buffer {
  return Buffer.concat([Buffer.from(channel, "utf8"), Buffer.of(NUL)]);
}

/** The topic prefix of every server event (heartbeats, presence). */
export const EVENTS_TOPIC = "\0";

/**
 * Frames of a published message. The server passes the body it received and
 * a topic it has cached; nothing is re-encoded.
 */
export function encodeMessage(
  topic: Buffer,
  m: { kind: Kind; epoch: string; seq: number; gseq: number; id: string; user: string; time: string },
  body: Buffer | string,
): (Buffer | string)[] {
  return [topic, `${m.kind} ${m.epoch} ${m.seq} ${m.gseq} ${m.id} ${m.user} ${m.time}`, body];
}

export function encodeHeartbeat(hb: Heartbeat): string[] {
  return [EVENT_HB, JSON.stringify(hb)];
}

/** The answer to a "\0sync-<token>" subscription. */
export function encodeSync(token: string, hb: Heartbeat): string[] {
  return [EVENT_SYNC + token, JSON.stringify(hb)];
}

/** The topic whose subscription asks the server for a sync event. */
export function syncTopic(token: string): string {
  return EVENT_SYNC + token;
}

export function encodePresence(p: Presence): string[] {
  return [EVENT_PRESENCE, JSON.stringify(p)];
}

/** Validates and decodes anything a SUB socket receives. */
export function decodePublication(frames: Frames): Publication {
  const topic = frames[0];
  if (topic === undefined || topic.length === 0) throw new CodecError("topic", "is empty", "bad-request");
  if (topic[0] === NUL) {
    if (frames.length !== 2) throw new CodecError("event", `needs 2 frames, got ${frames.length}`, "bad-request");
    const name = text(topic);
    // Not limited like a request: a heartbeat's heads grow with the channels active lately.
    const body = json(frames[1]!, Infinity);
    const sync = name.startsWith(EVENT_SYNC) ? name.slice(EVENT_SYNC.length) : undefined;
    if (name === EVENT_HB || sync !== undefined) {
      const heads = body.heads;
      if (typeof heads !== "object" || heads === null || Array.isArray(heads)) {
        throw new CodecError("heads", "must be an object");
      }
      for (const v of Object.values(heads)) {
        if (!Number.isSafeInteger(v) || (v as number) < 0) throw new CodecError("heads", "must map channels to numbers");
      }
      const heartbeat: Heartbeat = {
        epoch: str(body, "epoch"),
        gseq: int(body, "gseq", 0, Number.MAX_SAFE_INTEGER),
        heads: heads as Record<string, number>,
        time: checkTime(str(body, "time")),
      };
      return sync === undefined ? { type: "heartbeat", heartbeat } : { type: "heartbeat", heartbeat, sync };
    }
    if (name === EVENT_PRESENCE) {
      const event = body.event;
      if (event !== "join" && event !== "leave") throw new CodecError("event", "must be join or leave");
      return {
        type: "presence",
        presence: { event, user: checkName("user", str(body, "user")), channel: checkViewChannel(str(body, "channel")) },
      };
    }
    throw new CodecError("event", `'${printable(name)}' is not a known event`, "bad-request");
  }
  if (topic[topic.length - 1] !== NUL) throw new CodecError("topic", "must end with NUL", "bad-request");
  if (frames.length !== 3) throw new CodecError("message", `needs 3 frames, got ${frames.length}`, "bad-request");
  const channel = checkName("channel", utf8(topic.subarray(0, topic.length - 1), "channel"));
  const meta = utf8(frames[1]!, "meta").split(" ");
  if (meta.length !== 7) throw new CodecError("meta", `needs 7 fields, got ${meta.length}`, "bad-request");
  const [kind, epoch, seq, gseq, id, user, time] = meta as [string, string, string, string, string, string, string];
  if (kind !== "say" && kind !== "me") throw new CodecError("kind", "must be say or me");
  const body = frames[2]!;
  checkBodyBytes(body);
  return {
    type: "message",
    message: {
      channel,
      kind,
      epoch: checkId(epoch, "epoch"),
      seq: decimal(seq, "seq"),
      gseq: decimal(gseq, "gseq"),
      id: checkId(id),
      user: checkName("user", user),
      time: checkTime(time),
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"),
    },
  };
}

/** Validates a message object from a history answer (or a property test). */
export function checkMessage(m: Record<string, unknown>): ChatMessage {
  if (typeof m !== "object" || m === null) throw new CodecError("message", "must be an object");
  const kind = m.kind;
  if (kind !== "say" && kind !== "me") throw new CodecError("kind", "must be say or me");
  return {
    channel: checkName("channel", str(m, "channel")),
    kind,
    epoch: checkId(str(m, "epoch"), "epoch"),
    seq: int(m, "seq", 1, Number.MAX_SAFE_INTEGER),
    gseq: int(m, "gseq", 1, Number.MAX_SAFE_INTEGER),
    id: checkId(str(m, "id")),
    user: checkName("user", str(m, "user")),
    time: checkTime(str(m, "time")),
    body: checkBody(str(m, "body")),
  };
}

// ----------------------------------------------------------------- helpers

const decoder = new TextDecoder("utf-8", { fatal: true });

function text(frame: Uint8Array): string {
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString("latin1");
}

function ascii(frame: Uint8Array, field: string): string {
  for (let i = 0; i < frame.length; i++) {
    if (frame[i]! > 0x7e || frame[i]! < 0x20) throw new CodecError(field, "must be printable ASCII");
  }
  return text(frame);
}

function utf8(frame: Uint8Array, field: string): string {
  try {
    return decoder.decode(frame);
  } catch {
    throw new CodecError(field, "is not valid UTF-8");
  }
}

/** Parses a JSON object frame; `limit` bounds what a client may send the server. */
function json(frame: Uint8Array, limit = CONTROL_MAX_BYTES): Record<string, unknown> {
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

function str(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (typeof v !== "string") throw new CodecError(field, "must be a string");
  return v;
}

function int(o: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = o[field];
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
    throw new CodecError(field, `must be a whole number from ${min} to ${max}`);
  }
  return v as number;
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

function decimal(s: string, field: string): number {
  const n = Number(s);
  if (!DECIMAL.test(s) || !Number.isSafeInteger(n)) throw new CodecError(field, "must be a decimal number");
  return n;
}

function num(frame: Uint8Array, field: string): number {
  return decimal(text(frame), field);
}

/** A short, printable rendering of an untrusted string for an error sentence. */
function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 24 ? `${clean.slice(0, 24)}...` : clean;
}
