/**
 * The conversation store of a cluster's server: reads from this server's
 * copy of the shared state, at once; every change an operation on the
 * state stream, answered once applied here. The state machine numbers a
 * message in the stream's order, and every server numbers each inbox the
 * same way, so an inbox read through any server shows the same m's.
 *
 * Two changes are shaped for the stream:
 * - a message delivered as one item to every recipient (messages.ts) is
 *   sent once with the recipients' keys, not once per recipient;
 * - an alert, which every server delivers (each sees the committed post),
 *   has an id derived from the watcher and the alert itself, so the
 *   stream keeps one copy (its duplicate window) and the state machine
 *   applies one (its remembered ids), whichever server's comes first.
 */
import { createHash } from "node:crypto";
import type { InboxItem } from "../../protocol/index.js";
import type { ConversationStore, Delivery, Group, Member, StoredMessage } from "../conversations/store.js";
import type { StateStream } from "./state-stream.js";

export class ReplicatedConversationStore implements ConversationStore {
  private readonly local;

  constructor(private readonly state: StateStream) {
    this.local = state.machine.conversations;
  }

  head(conv: string): number {
    return this.local.head(conv);
  }

  messages(conv: string, reader: string, after: number | undefined, limit: number): StoredMessage[] {
    return this.local.messages(conv, reader, after, limit);
  }

  byId(fromKey: string, id: string): StoredMessage | undefined {
    return this.local.byId(fromKey, id);
  }

  inboxHead(key: string): number {
    return this.local.inboxHead(key);
  }

  acked(key: string): number {
    return this.local.acked(key);
  }

  inboxFloor(key: string): number {
    return this.local.inboxFloor(key);
  }

  items(key: string, after: number, limit: number): InboxItem[] {
    return this.local.items(key, after, limit);
  }

  group(key: string): Group | undefined {
    return this.local.group(key);
  }

  groupsOf(key: string): Group[] {
    return this.local.groupsOf(key);
  }

  owned(key: string): number {
    return this.local.owned(key);
  }

  append(message: StoredMessage | undefined, deliveries: readonly Delivery[]): Promise<number[]> {
    const first = deliveries[0];
    if (message && first && deliveries.every((d) => d.item === first.item)) {
      return this.change("appendShared", message, deliveries.map((d) => d.key), first.item) as Promise<number[]>;
    }
    if (!message && deliveries.length === 1 && first!.item.type === "alert") {
      const id = `alert:${createHash("sha256").update(`${first!.key}\n${JSON.stringify(first!.item)}`).digest("base64url")}`;
      return this.state.issue("conversations", "append", [undefined, deliveries], id).then((m) => (m as number[] | undefined) ?? []);
    }
    return this.change("append", message, deliveries) as Promise<number[]>;
  }

  /* Nothing is published for a position acknowledged already (every inbox poll with `after` acknowledges). */
  acknowledge(key: string, m: number): Promise<void> | undefined {
    if (m <= this.local.acked(key) || this.local.inboxHead(key) === 0) return undefined;
    return this.change("acknowledge", key, m) as Promise<void>;
  }

  removeInbox(key: string): Promise<void> {
    return this.change("removeInbox", key) as Promise<void>;
  }

  createGroup(group: Group): Promise<void> {
    return this.change("createGroup", group) as Promise<void>;
  }

  addMember(group: string, member: Member): Promise<void> {
    return this.change("addMember", group, member) as Promise<void>;
  }

  removeMember(group: string, key: string): Promise<void> {
    return this.change("removeMember", group, key) as Promise<void>;
  }

  setOwner(group: string, key: string): Promise<void> {
    return this.change("setOwner", group, key) as Promise<void>;
  }

  deleteGroup(group: string): Promise<void> {
    return this.change("deleteGroup", group) as Promise<void>;
  }

  onInboxChanged(listener: (key: string) => void): void {
    this.state.machine.onInboxChanged(listener);
  }

  private change(method: string, ...args: unknown[]): Promise<unknown> {
    return this.state.issue("conversations", method, args);
  }
}
