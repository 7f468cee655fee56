/**
 * The conversations family: private messages between two accounts, and
 * messages to a group of accounts. None of it ever travels on the PUB
 * socket: any SUB may subscribe to any prefix, so what is published is
 * public. Each account has an inbox on the server, and its client fetches
 * it on the request side (a long poll: the server holds an `inbox` request
 * until something arrives for that account), so an answer goes only to the
 * connection that asked with that account's token.
 *
 *   request  ["msg", {"id", "to", "kind"?, "body", "token"}]           answer ["ok", {"to", "group"?, "seq", "time"}]
 *   request  ["inbox", {"token", "after"?, "waitMs"?}]                  answer ["ok", {"after", "head", "items": [item...]}]
 *   request  ["conversation", {"token", "with", "after"?, "limit"}]     answer ["ok", {"with", "group"?, "head", "messages": [message...]}]
 *   request  ["group", {"token", "action", "name", "users"?}]           answer ["ok", {"name", "owner", "members": [user...]}]
 *   request  ["groups", {"token"}]                                      answer ["ok", {"groups": [{"name", "owner", "members"}...]}]
 *
 * msg: `to` names an account or a group (a name is one or the other, never
 * both). The message is numbered in its conversation (`seq`, from 1: the
 * two accounts' conversation, or the group's) and gets the server's receive
 * time; it goes to the inbox of every participant, the sender's included
 * (its other clients show it; a group's members all see it). `id` is new
 * for each message, like a post's: a retry with the same id is answered
 * with the original numbers and delivered once.
 *
 * inbox: every item in an account's inbox has a number `m` (from 1, no
 * holes). The answer holds the items after `after` (at most INBOX_BATCH,
 * oldest first) and `head`, the newest m. Without `after` (a client that
 * just started) the items start after what the account's clients last
 * acknowledged: the messages that came while it was away. A request with
 * `after` acknowledges everything up to it. When there is nothing after
 * `after`, the server holds the request up to `waitMs` (at most
 * INBOX_WAIT_MAX_MS) and answers as soon as an item arrives, or with no
 * items when the wait ends.
 *
 * An item is a private or group message (type msg), an alert, a group
 * notice, or a file offer (type file, ops/files.ts): {"type": "file",
 * "offer", "from", "to", "group"?, "name", "size", "sha256", "time",
 * "expires"}, in the inbox of each recipient and of the sender.
 *
 * conversation: the history of one conversation (an account's name, or a
 * group the asker is in), by seq, like a channel's history: after `after`,
 * or the newest `limit`. A group's history shows a member only the
 * messages sent while it was a member.
 *
 * group: action create (the asker owns it; `users` are the first members),
 * add and remove (the owner only; `users` one or more), leave (a member;
 * an owner who leaves hands the group to the longest-standing member, and
 * the group ends with its last member), members. The answer is the group
 * as it is after the action. Members get a group notice in their inbox.
 *
 * Refusals: auth-required (no token), auth-failed (stale token), not-found
 * (no such account or group, or a group the asker is not in), not-member
 * (an owner's action by a member), name-taken (a group name that is taken,
 * by a group or an account), too-many (GROUP_MAX_MEMBERS, GROUPS_OWNED_MAX,
 * a recipient's inbox full), slow-down (messages count as posts).
 */
import { BODY_MAX_BYTES, GROUP_MAX_MEMBERS, HISTORY_MAX, INBOX_BATCH, INBOX_WAIT_MAX_MS } from "../limits.js";
import { CodecError } from "../errors.js";
import { checkBody, checkGroup, checkId, checkName, checkPostChannel, checkTime, checkToken } from "../validate.js";
import { int, list, str } from "../fields.js";
import type { Kind } from "../types.js";
import type { ControlOp } from "./control-op.js";
import { checkFileNotice, type FileNotice } from "./files.js";

/** A message of a conversation, as history answers it. */
export interface ConversationMessage {
  type: "msg";
  from: string;
  /** The other account of a private conversation as the sender named it, or the group. */
  to: string;
  /** Present (true) when `to` is a group. */
  group?: true;
  /** Number in its conversation, from 1. */
  seq: number;
  kind: Kind;
  /** When the server received it (ISO 8601). */
  time: string;
  body: string;
}

/** A channel message that matched one of the reader's watched keywords or followed users. */
export interface Alert {
  type: "alert";
  /** The watched keyword it matched, as the reader wrote it; absent when it matched a followed author. */
  keyword?: string;
  /** The followed author it matched; absent when it matched a keyword. */
  author?: string;
  channel: string;
  /** The message's numbers in its channel and in ALL (it can be read there with /history). */
  seq: number;
  gseq: number;
  from: string;
  kind: Kind;
  time: string;
  body: string;
}

/** Something that happened to a group the reader is (or was) in. */
export interface GroupNotice {
  type: "group";
  group: string;
  event: "created" | "added" | "removed" | "left" | "owner";
  /** Whom it happened to (the new owner for `owner`). */
  user: string;
  /** Who did it. */
  by: string;
  time: string;
}

/**
 * One item of an inbox, with its number there. A file item is an offer
 * made to the account or to one of its groups (ops/files.ts), or by it.
 */
export type InboxItem = (ConversationMessage | Alert | GroupNotice | FileNotice) & { m: number };

export type MsgRequest = { op: "msg"; id: string; to: string; kind: Kind; body: string; token?: string };
export interface MsgAnswer {
  to: string;
  group?: true;
  seq: number;
  time: string;
}

export type InboxRequest = { op: "inbox"; token?: string; after?: number; waitMs?: number };
export interface InboxAnswer {
  /** The m the items follow: `after` as asked, or what was acknowledged last when it was not given. */
  after: number;
  /** The newest m in the inbox. */
  head: number;
  items: InboxItem[];
}

export type ConversationRequest = { op: "conversation"; token?: string; with: string; after?: number; limit: number };
export interface ConversationAnswer {
  with: string;
  group?: true;
  head: number;
  messages: ConversationMessage[];
}

export const GROUP_ACTIONS = ["create", "add", "remove", "leave", "members"] as const;
export type GroupAction = (typeof GROUP_ACTIONS)[number];
export type GroupRequest = { op: "group"; token?: string; action: GroupAction; name: string; users?: string[] };
export interface GroupAnswer {
  name: string;
  owner: string;
  members: string[];
}

export type GroupsRequest = { op: "groups"; token?: string };
export interface GroupsAnswer {
  groups: { name: string; owner: string; members: number }[];
}

const MAX = Number.MAX_SAFE_INTEGER;
const token = (o: Record<string, unknown>) => (o.token === undefined ? {} : { token: checkToken(str(o, "token")) });
const user = (v: unknown, field: string): string => {
  if (typeof v !== "string") throw new CodecError(field, "must be a string");
  return checkName("user", v);
};
const kind = (o: Record<string, unknown>): Kind => {
  if (o.kind === undefined) return "say";
  if (o.kind !== "say" && o.kind !== "me") throw new CodecError("kind", "must be say or me");
  return o.kind;
};
const flag = (o: Record<string, unknown>, field: string): { [k: string]: true } | object => {
  if (o[field] === undefined) return {};
  if (o[field] !== true) throw new CodecError(field, "must be true when present");
  return { [field]: true };
};
const names = (o: Record<string, unknown>, field: string, max: number): string[] => {
  const v = o[field];
  if (!Array.isArray(v) || v.length > max) throw new CodecError(field, `must be a list of at most ${max} names`);
  return v.map((x) => user(x, field));
};

function checkMessage(o: Record<string, unknown>): ConversationMessage {
  if (o.type !== "msg") throw new CodecError("type", "must be msg");
  const group = flag(o, "group") as { group?: true };
  return {
    type: "msg", from: user(o.from, "from"), to: group.group ? checkGroup(str(o, "to"), "to") : user(o.to, "to"), ...group,
    seq: int(o, "seq", 1, MAX), kind: kind(o), time: checkTime(str(o, "time")), body: checkBody(str(o, "body")),
  };
}

function checkAlert(o: Record<string, unknown>): Alert {
  const keyword = o.keyword === undefined ? {} : { keyword: checkName("keyword", str(o, "keyword")) };
  const author = o.author === undefined ? {} : { author: user(o.author, "author") };
  if (("keyword" in keyword) === ("author" in author)) throw new CodecError("alert", "must name a keyword or an author");
  return {
    type: "alert", ...keyword, ...author, channel: checkPostChannel(str(o, "channel")),
    seq: int(o, "seq", 1, MAX), gseq: int(o, "gseq", 1, MAX), from: user(o.from, "from"), kind: kind(o),
    time: checkTime(str(o, "time")), body: checkBody(str(o, "body")),
  };
}

const EVENTS = new Set(["created", "added", "removed", "left", "owner"]);
function checkNotice(o: Record<string, unknown>): GroupNotice {
  const event = str(o, "event");
  if (!EVENTS.has(event)) throw new CodecError("event", "is not a known group event");
  return {
    type: "group", group: checkGroup(str(o, "group")), event: event as GroupNotice["event"],
    user: user(o.user, "user"), by: user(o.by, "by"), time: checkTime(str(o, "time")),
  };
}

/** Validates one inbox item of an answer. */
export function checkInboxItem(o: Record<string, unknown>): InboxItem {
  const m = int(o, "m", 1, MAX);
  const item = o.type === "msg" ? checkMessage(o) : o.type === "alert" ? checkAlert(o) : o.type === "group" ? checkNotice(o)
    : o.type === "file" ? checkFileNotice(o) : undefined;
  if (!item) throw new CodecError("type", "must be msg, alert, group or file");
  return { ...item, m };
}

export const msg: ControlOp<MsgRequest, MsgAnswer> = {
  op: "msg",
  maxBytes: 2 * BODY_MAX_BYTES + 1024,
  toJson: (r) => ({ id: r.id, to: r.to, ...(r.kind === "say" ? {} : { kind: r.kind }), body: r.body, ...(r.token === undefined ? {} : { token: r.token }) }),
  fromJson: (o) => ({ op: "msg", id: checkId(str(o, "id")), to: checkGroup(str(o, "to"), "to"), kind: kind(o), body: checkBody(str(o, "body")), ...token(o) }),
  answer: (a) => {
    const group = flag(a, "group") as { group?: true };
    return { to: checkGroup(str(a, "to"), "to"), ...group, seq: int(a, "seq", 1, MAX), time: checkTime(str(a, "time")) };
  },
};

export const inbox: ControlOp<InboxRequest, InboxAnswer> = {
  op: "inbox",
  toJson: (r) => ({ ...(r.token === undefined ? {} : { token: r.token }), ...(r.after === undefined ? {} : { after: r.after }), ...(r.waitMs === undefined ? {} : { waitMs: r.waitMs }) }),
  fromJson: (o) => ({
    op: "inbox", ...token(o),
    ...(o.after === undefined ? {} : { after: int(o, "after", 0, MAX) }),
    ...(o.waitMs === undefined ? {} : { waitMs: int(o, "waitMs", 0, INBOX_WAIT_MAX_MS) }),
  }),
  answer: (a) => {
    const after = int(a, "after", 0, MAX);
    const head = int(a, "head", after, MAX);
    const items = list(a, "items", INBOX_BATCH, checkInboxItem);
    items.forEach((item, i) => {
      if (item.m !== after + i + 1) throw new CodecError("items", "must be numbered one after another from after + 1");
    });
    if (items.length > 0 && items.at(-1)!.m > head) throw new CodecError("head", "is below the last item");
    return { after, head, items };
  },
};

export const conversation: ControlOp<ConversationRequest, ConversationAnswer> = {
  op: "conversation",
  toJson: (r) => ({ ...(r.token === undefined ? {} : { token: r.token }), with: r.with, ...(r.after === undefined ? {} : { after: r.after }), limit: r.limit }),
  fromJson: (o) => ({
    op: "conversation", ...token(o), with: checkGroup(str(o, "with"), "with"),
    ...(o.after === undefined ? {} : { after: int(o, "after", 0, MAX) }),
    limit: o.limit === undefined ? 20 : int(o, "limit", 0, HISTORY_MAX),
  }),
  answer: (a) => {
    const group = flag(a, "group") as { group?: true };
    return { with: checkGroup(str(a, "with"), "with"), ...group, head: int(a, "head", 0, MAX), messages: list(a, "messages", HISTORY_MAX, checkMessage) };
  },
};

export const group: ControlOp<GroupRequest, GroupAnswer> = {
  op: "group",
  toJson: (r) => ({ ...(r.token === undefined ? {} : { token: r.token }), action: r.action, name: r.name, ...(r.users === undefined ? {} : { users: r.users }) }),
  fromJson: (o) => {
    const action = str(o, "action");
    if (!(GROUP_ACTIONS as readonly string[]).includes(action)) throw new CodecError("action", `must be one of ${GROUP_ACTIONS.join(", ")}`);
    return {
      op: "group", ...token(o), action: action as GroupAction, name: checkGroup(str(o, "name")),
      ...(o.users === undefined ? {} : { users: names(o, "users", GROUP_MAX_MEMBERS) }),
    };
  },
  answer: (a) => ({ name: checkGroup(str(a, "name")), owner: user(a.owner, "owner"), members: names(a, "members", GROUP_MAX_MEMBERS) }),
};

export const groups: ControlOp<GroupsRequest, GroupsAnswer> = {
  op: "groups",
  toJson: (r) => (r.token === undefined ? {} : { token: r.token }),
  fromJson: (o) => ({ op: "groups", ...token(o) }),
  answer: (a) => ({
    groups: list(a, "groups", 10_000, (g) => ({ name: checkGroup(str(g, "name")), owner: user(g.owner, "owner"), members: int(g, "members", 0, GROUP_MAX_MEMBERS) })),
  }),
};
