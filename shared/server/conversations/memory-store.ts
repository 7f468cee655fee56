/**
 * The conversation store in memory (a server without --store): gone when
 * the process ends. The SQLite engine keeps one of these as its cache and
 * writes every change through to the file.
 */
import type { InboxItem } from "../../protocol/index.js";
import { ACKED_KEPT, IDS_MAX, type ConversationStore, type Delivery, type Group, type InboxContent, type Member, type StoredMessage } from "./store.js";

/**
 * One account's inbox: items[i] has m = floor + 1 + i, given when read.
 * An item is the object the sender's message was delivered as, shared by
 * every recipient's inbox (never changed after), not a copy per inbox.
 */
interface Inbox {
  head: number;
  acked: number;
  floor: number;
  items: InboxContent[];
}

export class MemoryConversationStore implements ConversationStore {
  /** Each conversation's messages, messages[seq - 1]. */
  private readonly convs = new Map<string, StoredMessage[]>();
  /** Recent messages by sender key and request id, oldest first. */
  private readonly ids = new Map<string, StoredMessage>();
  private readonly inboxes = new Map<string, Inbox>();
  private readonly groups = new Map<string, Group>();
  /** The groups each account is in. */
  private readonly memberOf = new Map<string, Set<string>>();

  constructor(private readonly idsMax = IDS_MAX) {}

  head(conv: string): number {
    return this.convs.get(conv)?.length ?? 0;
  }

  messages(conv: string, reader: string, after: number | undefined, limit: number): StoredMessage[] {
    const all = this.convs.get(conv) ?? [];
    const visible = (m: StoredMessage) => m.recipients.includes(reader);
    if (after !== undefined) {
      const out: StoredMessage[] = [];
      for (let i = after; i < all.length && out.length < limit; i++) if (visible(all[i]!)) out.push(all[i]!);
      return out;
    }
    const out: StoredMessage[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) if (visible(all[i]!)) out.push(all[i]!);
    return out.reverse();
  }

  byId(fromKey: string, id: string): StoredMessage | undefined {
    return this.ids.get(`${fromKey}\n${id}`);
  }

  append(message: StoredMessage | undefined, deliveries: readonly Delivery[]): number[] {
    if (message) this.addMessage(message);
    return deliveries.map(({ key, item }) => {
      const inbox = this.inbox(key, true)!;
      const m = ++inbox.head;
      inbox.items.push(item);
      return m;
    });
  }

  /** Adds a message at its seq (the SQLite engine loads them through here too). */
  protected addMessage(message: StoredMessage): void {
    let list = this.convs.get(message.conv);
    if (!list) this.convs.set(message.conv, (list = []));
    list[message.seq - 1] = message;
    this.ids.set(`${message.fromKey}\n${message.id}`, message);
    if (this.ids.size > this.idsMax) this.ids.delete(this.ids.keys().next().value!);
  }

  inboxHead(key: string): number {
    return this.inboxes.get(key)?.head ?? 0;
  }

  acked(key: string): number {
    return this.inboxes.get(key)?.acked ?? 0;
  }

  inboxFloor(key: string): number {
    return this.inboxes.get(key)?.floor ?? 0;
  }

  items(key: string, after: number, limit: number): InboxItem[] {
    const inbox = this.inboxes.get(key);
    if (!inbox) return [];
    const from = Math.max(0, after - inbox.floor);
    return inbox.items.slice(from, from + limit).map((item, i) => ({ ...item, m: inbox.floor + 1 + from + i }) as InboxItem);
  }

  acknowledge(key: string, m: number): void {
    const inbox = this.inbox(key, false);
    if (!inbox || m <= inbox.acked) return;
    inbox.acked = Math.min(m, inbox.head);
    const floor = inbox.acked - ACKED_KEPT;
    if (floor > inbox.floor) {
      inbox.items.splice(0, floor - inbox.floor);
      inbox.floor = floor;
    }
  }

  removeInbox(key: string): void {
    this.inboxes.delete(key);
  }

  /** An account's inbox; made when `make` (the SQLite engine sets its marks through here when loading). */
  protected inbox(key: string, make: boolean): Inbox | undefined {
    let inbox = this.inboxes.get(key);
    if (!inbox && make) this.inboxes.set(key, (inbox = { head: 0, acked: 0, floor: 0, items: [] }));
    return inbox;
  }

  group(key: string): Group | undefined {
    return this.groups.get(key);
  }

  groupsOf(key: string): Group[] {
    return [...(this.memberOf.get(key) ?? [])].map((g) => this.groups.get(g)!);
  }

  owned(key: string): number {
    return this.groupsOf(key).filter((g) => g.owner === key).length;
  }

  createGroup(group: Group): void {
    this.groups.set(group.key, { ...group, members: [] });
    for (const m of group.members) this.link(group.key, m);
  }

  addMember(group: string, member: Member): void {
    this.link(group, member);
  }

  removeMember(group: string, key: string): void {
    this.unlink(group, key);
  }

  /* Not the overridable methods: the SQLite engine writes a group's rows itself. */
  private link(group: string, member: Member): void {
    const g = this.groups.get(group);
    if (!g || g.members.some((m) => m.key === member.key)) return;
    g.members.push({ ...member });
    let mine = this.memberOf.get(member.key);
    if (!mine) this.memberOf.set(member.key, (mine = new Set()));
    mine.add(group);
  }

  private unlink(group: string, key: string): void {
    const g = this.groups.get(group);
    if (!g) return;
    g.members = g.members.filter((m) => m.key !== key);
    const mine = this.memberOf.get(key);
    mine?.delete(group);
    if (mine?.size === 0) this.memberOf.delete(key);
  }

  setOwner(group: string, key: string): void {
    const g = this.groups.get(group);
    if (g) g.owner = key;
  }

  deleteGroup(group: string): void {
    const g = this.groups.get(group);
    if (!g) return;
    for (const m of [...g.members]) this.unlink(group, m.key);
    this.groups.delete(group);
  }
}
