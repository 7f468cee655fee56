/**
 * The presence family: a client says hello (which channels it follows)
 * when it joins and every presenceMs after, bye when it leaves; who lists
 * the users of a channel.
 *
 * `joined` (optional) maps channels the client was already in, as a server
 * told it, to when it joined them: a hello repeated after a server restart
 * is no join, so the server announces none for those channels and keeps
 * their times for /who. Servers that predate it ignore the field.
 *
 *   request  ["hello", {"session", "user", "channels", "token"?, "joined"?}]
 *   answer   ["ok", {"epoch", "heartbeatMs", "presenceMs", "accounts"?, "filePort"?, "posts"?, "window"?}]   accounts: "open" or "required"
 *   request  ["bye", {"session"}]                          answer ["ok", {}]
 *   request  ["who", {"channel"}]                          answer ["ok", {"users": [{"user", "since", "active"?}]}]
 *
 * `filePort` (optional) is the port of the server's file socket, on the
 * same address as the post port (ops/files.ts); absent from servers
 * without one (parts 1 to 3, and servers that predate files).
 *
 * `posts` (optional) is the newest form of post request the server takes:
 * 2 means the compact post ("post2", ops/chat.ts) as well as "post". A
 * client sends "post2" only after a hello answer with it; servers that
 * predate it leave it out (and would answer "post2" with bad-request).
 *
 * `window` (optional) is how many posts a client may have unanswered at
 * once: over 1, the server keeps them in the order sent, also across a
 * refusal, when each names the post before it (`after`, ops/chat.ts).
 * Absent (older servers) or 1: one at a time, the next once the last is
 * answered.
 *
 * In a who answer, `since` is when the user's earliest session joined the
 * channel, and `active` their last post there (the newest over every
 * channel for ALL), else `since`: a client shows idle time from it.
 */
import { CodecError } from "../errors.js";
import { HELLO_CHANNELS_MAX, POST_WINDOW_MAX, SESSIONS_MAX } from "../limits.js";
import { checkId, checkName, checkTime, checkToken, checkViewChannel } from "../validate.js";
import { int, list, str } from "../fields.js";
import type { ControlOp } from "./control-op.js";

export interface Hello {
  session: string;
  user: string;
  channels: string[];
  /** The login token, when logged in: the server then takes the user from it. */
  token?: string;
  /** Channels of `channels` the client was in already, with the ISO time it joined each. */
  joined?: Record<string, string> | undefined;
}
export type HelloRequest = { op: "hello"; hello: Hello };
export interface HelloAnswer {
  epoch: string;
  heartbeatMs: number;
  presenceMs: number;
  /** Whether anyone may use a free name ("open") or every user must log in ("required"); absent from older servers. */
  accounts?: "open" | "required";
  /** The file port (same address as the post port); absent where there is none. */
  filePort?: number;
  /** The newest post form the server takes (2: "post2" too); absent from older servers, which take only "post". */
  posts?: number;
  /** Posts a client may have in flight, in order (compact posts naming the one before); absent or 1: one at a time. */
  window?: number;
}

export const hello: ControlOp<HelloRequest, HelloAnswer> = {
  op: "hello",
  toJson: (r) => r.hello,
  fromJson: (h) => {
    const channels = h.channels;
    if (!Array.isArray(channels) || channels.length > HELLO_CHANNELS_MAX) {
      throw new CodecError("channels", `must be a list of at most ${HELLO_CHANNELS_MAX} channel names`);
    }
    const hello: Hello = {
      session: checkId(str(h, "session"), "session"),
      user: checkName("user", str(h, "user")),
      channels: channels.map((c) => checkViewChannel(typeof c === "string" ? c : "")),
      ...(h.token === undefined ? {} : { token: checkToken(str(h, "token")) }),
    };
    if (h.joined !== undefined) hello.joined = joinedTimes(h.joined, hello.channels);
    return { op: "hello", hello };
  },
  answer: (a) => ({
    epoch: checkId(str(a, "epoch"), "epoch"),
    heartbeatMs: int(a, "heartbeatMs", 1, 3_600_000),
    presenceMs: int(a, "presenceMs", 1, 3_600_000),
    ...(a.accounts === undefined ? {} : { accounts: accountsMode(a.accounts) }),
    ...(a.filePort === undefined ? {} : { filePort: int(a, "filePort", 1, 65_535) }),
    ...(a.posts === undefined ? {} : { posts: int(a, "posts", 1, 1_000_000) }),
    ...(a.window === undefined ? {} : { window: int(a, "window", 1, POST_WINDOW_MAX) }),
  }),
};

/** A hello's `joined`: an object from channels it lists to ISO times. */
function joinedTimes(v: unknown, channels: string[]): Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new CodecError("joined", "must be an object from channel names to times");
  const joined: Record<string, string> = {};
  for (const [channel, time] of Object.entries(v)) {
    if (!channels.includes(channel)) throw new CodecError("joined", "names a channel the hello does not list");
    try {
      joined[channel] = checkTime(typeof time === "string" ? time : "");
    } catch (err) {
      throw err instanceof CodecError ? new CodecError("joined", err.reason) : err;
    }
  }
  return joined;
}

export type ByeRequest = { op: "bye"; session: string };

export const bye: ControlOp<ByeRequest, Record<string, never>> = {
  op: "bye",
  toJson: (r) => ({ session: r.session }),
  fromJson: (b) => ({ op: "bye", session: checkId(str(b, "session"), "session") }),
  answer: () => ({}),
};

export type WhoRequest = { op: "who"; channel: string };
export interface WhoAnswer {
  /** `active`: the last post in the channel (ALL: in any), else `since`; absent from older servers. */
  users: { user: string; since: string; active?: string }[];
}

export const who: ControlOp<WhoRequest, WhoAnswer> = {
  op: "who",
  toJson: (r) => ({ channel: r.channel }),
  fromJson: (w) => ({ op: "who", channel: checkViewChannel(str(w, "channel")) }),
  answer: (a) => ({
    users: list(a, "users", SESSIONS_MAX, (u) => ({
      user: checkName("user", str(u, "user")),
      since: checkTime(str(u, "since")),
      ...(u.active === undefined ? {} : { active: checkTime(str(u, "active")) }),
    })),
  }),
};

/** How many posts a client may have in flight with the server that gave this hello answer (1 where it says nothing). */
export function postWindow(answer: HelloAnswer): number {
  return takesCompactPost(answer) ? answer.window ?? 1 : 1;
}

/** Whether a server that gave this hello answer takes the compact post ("post2"); older servers leave `posts` out. */
export function takesCompactPost(answer: HelloAnswer): boolean {
  return (answer.posts ?? 1) >= 2;
}

function accountsMode(v: unknown): "open" | "required" {
  if (v !== "open" && v !== "required") throw new CodecError("accounts", "must be open or required");
  return v;
}
