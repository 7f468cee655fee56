/**
 * What travels on the wire, as TypeScript types; shared/codec.ts says how
 * each is laid out in frames.
 */

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
export type PostFrames = Omit<Post, "body"> & { op: "post"; body: Buffer };

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

