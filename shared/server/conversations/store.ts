/**
 * Where private and group conversations live: the messages of each
 * conversation, every account's inbox (numbered items and the position its
 * clients acknowledged), and the groups with their members. Two engines,
 * memory and SQLite (the store file's connection; it loads everything into
 * the memory engine and writes each change through), pass one contract
 * suite (shared/testing/conversation-store-contract.ts).
 *
 * Why not the channel EventLog: the log's gseq numbering is what every
 * reader gap-fills on, and the fan-out publishes the log's committed tail on
 * PUB, which any SUB may read. A private entry there would either leak or
 * leave holes every reader would try to fill. So none of it is ever there.
 *
 * Every read is synchronous and served from memory; a change of several
 * rows (a message and its inbox items) is one transaction. A change is
 * synchronous in the memory and SQLite engines; in a cluster's
 * (shared/server/replicated/) it is a promise, settled once the change is
 * applied here in the cluster's order.
 */
import type { ConversationMessage, InboxItem } from "../../protocol/index.js";
import type { Changed } from "../changed.js";

/** What an inbox holds, before it is numbered: a distributive Omit<InboxItem, "m">. */
export type InboxContent = InboxItem extends infer T ? (T extends InboxItem ? Omit<T, "m"> : never) : never;

/** A conversation message as stored: the wire's message, its conversation, the sender's request id and who received it. */
export interface StoredMessage extends ConversationMessage {
  /** The conversation's key (conversationKey, groupConversation). */
  conv: string;
  /** The sender's request id, for recognising a retry (per sender). */
  id: string;
  /** The sender: its account key and registration time, "kyle@1769918400000" (messages.ts `who`). */
  fromKey: string;
  /** The accounts it was delivered to, like fromKey: a group's history shows a member only what it received. */
  recipients: readonly string[];
}

/** A member of a group: its account key, its name as registered, and when it joined. */
export interface Member {
  key: string;
  user: string;
  since: number;
}

export interface Group {
  /** The name folded like an account's (names.ts): groups and accounts share one namespace. */
  key: string;
  name: string;
  /** The owner's account key. */
  owner: string;
  created: number;
  /** Longest-standing first. */
  members: Member[];
}

/** One inbox item to add: whose inbox, and what. */
export interface Delivery {
  key: string;
  item: InboxContent;
}

export interface ConversationStore {
  /** The newest seq of a conversation (0: none). */
  head(conv: string): number;
  /** Messages of a conversation visible to `reader` (a recipient): after `after`, or the newest `limit`. */
  messages(conv: string, reader: string, after: number | undefined, limit: number): StoredMessage[];
  /** A sender's message by request id, if still known. */
  byId(fromKey: string, id: string): StoredMessage | undefined;
  /**
   * Stores `message` (if any) and numbers each delivery in its inbox (m =
   * head + 1), in one transaction; returns the m of each delivery.
   */
  append(message: StoredMessage | undefined, deliveries: readonly Delivery[]): Changed<number[]>;

  /** The newest m of an inbox (0: empty), and the position its clients acknowledged. */
  inboxHead(key: string): number;
  acked(key: string): number;
  /** The m before the oldest item still kept (items acknowledged long ago are forgotten). */
  inboxFloor(key: string): number;
  /** Up to `limit` items after m = `after`, oldest first. */
  items(key: string, after: number, limit: number): InboxItem[];
  /** Raises the acknowledged position (never lowers it); forgets items more than ACKED_KEPT below it. */
  acknowledge(key: string, m: number): Changed<void>;
  /** Deletes an inbox, its items and its marks (an unregistered account). */
  removeInbox(key: string): Changed<void>;

  group(key: string): Group | undefined;
  /** The groups `key` is a member of. */
  groupsOf(key: string): Group[];
  /** Number of groups `key` owns. */
  owned(key: string): number;
  /** Creates a group; the caller has checked that its name is free (a cluster's engine checks again, in its order). */
  createGroup(group: Group): Changed<void>;
  addMember(group: string, member: Member): Changed<void>;
  removeMember(group: string, key: string): Changed<void>;
  setOwner(group: string, key: string): Changed<void>;
  deleteGroup(group: string): Changed<void>;
  /**
   * A store shared by several servers tells of every inbox that changed
   * (an item added, the inbox removed), whichever server changed it, so
   * that each wakes its held requests; Inboxes then wakes from this only.
   */
  onInboxChanged?(listener: (key: string) => void): void;
}

/** Acknowledged items an inbox keeps, for a second client of the account that has not read them yet. */
export const ACKED_KEPT = 1000;
/** Request ids remembered per store for recognising retried messages (the oldest go first). */
export const IDS_MAX = 100_000;

/** The key of the private conversation between two accounts: the same whoever sends. */
export const privateConversation = (a: string, b: string): string => (a < b ? `p:${a}\n${b}` : `p:${b}\n${a}`);
/** The key of a group's conversation. */
export const groupConversation = (group: string): string => `g:${group}`;
