/**
 * The messages and events that travel on the wire, as TypeScript types;
 * shared/protocol/index.ts says how each is laid out in frames. Each
 * operation's request and answer types live with it in ops/.
 */

/** A plain line, or an action written with /me. */
export type Kind = "say" | "me";
/** What a recorded entry is: a message (say, me), or an edit or deletion of an earlier one. */
export type MessageKind = Kind | "edit" | "delete";

/** What a client posts. */
export interface Post {
  id: string;
  channel: string;
  user: string;
  time: string;
  kind: Kind;
  body: string;
}

/**
 * An entry as the server recorded and numbered it: a message, or an edit or
 * deletion of message `target` of the same channel (numbered like messages,
 * so seq has no holes). In history answers a message carries its current
 * text: `edited` when it was edited, `deleted` (and an empty body) when it
 * was deleted; an edit of a deleted message is `deleted` too.
 */
export interface ChatMessage extends Omit<Post, "kind"> {
  kind: MessageKind;
  /** For an edit or a deletion: the seq of the message it changes (in the same channel). */
  target?: number;
  /** History only: the message was edited; `body` is its current text. */
  edited?: true;
  /** History only: the message (or the edit) was deleted; `body` is empty. */
  deleted?: true;
  /** History only: when the server received it (ISO 8601), as opposed to the poster's claimed `time`. */
  received?: string;
  /** Identifies one run of a server's numbering (it changes on restart without a store). */
  epoch: string;
  /** Position in its channel, from 1. */
  seq: number;
  /** Position among all channels' messages, from 1: the order ALL shows. */
  gseq: number;
  /** Present (true) when the server checked that an account posted it; absent for a free name. */
  account?: true;
}

/** The server's view of a post: the body stays the bytes that arrived, to be forwarded untouched. */
export type PostFrames = Omit<Post, "body"> & {
  op: "post";
  body: Buffer;
  /** The poster's login token (an eighth frame), when logged in. */
  token?: string;
  /** The id of the sender's post unanswered when this one was sent (compact form only): it must not be recorded before it. */
  after?: string;
};

export interface Heartbeat {
  epoch: string;
  gseq: number;
  /** Newest seq of each channel that had messages lately. */
  heads: Record<string, number>;
  time: string;
}
/** Someone joined or left a channel (not to be confused with the server's table of who is present). */
export interface PresenceEvent {
  event: "join" | "leave";
  user: string;
  channel: string;
}

export type Publication =
  | { type: "message"; message: ChatMessage }
  | { type: "heartbeat"; heartbeat: Heartbeat; sync?: string }
  | { type: "presence"; presence: PresenceEvent };

