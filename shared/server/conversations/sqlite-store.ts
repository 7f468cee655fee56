/**
 * The conversation store in the store file (mc_server --store), on the
 * event log's connection: the tables of schema version 4
 * (log/migrations.ts). Everything is loaded at start into a
 * MemoryConversationStore, which serves every read; each change is written
 * through at once, a message with its inbox items in one transaction.
 */
import type Database from "better-sqlite3";
import type { ConversationMessage } from "../../protocol/index.js";
import { MemoryConversationStore } from "./memory-store.js";
import type { Delivery, Group, InboxContent, Member, StoredMessage } from "./store.js";

type Statements = "message" | "item" | "marks" | "forget" | "removeItems" | "removeMarks" | "group" | "member" | "unmember" | "owner" | "ungroup" | "unmemberAll";

export class SqliteConversationStore extends MemoryConversationStore {
  private readonly sql: Record<Statements, Database.Statement>;
  private readonly inTransaction: (message: StoredMessage | undefined, deliveries: readonly Delivery[]) => number[];

  /** Takes a connection already migrated to schema version 4 or later; loads what it holds. */
  constructor(db: Database.Database, idsMax?: number) {
    super(idsMax);
    this.sql = {
      message: db.prepare("INSERT INTO conversation_messages (conv, seq, id, from_key, message, recipients) VALUES (?, ?, ?, ?, ?, ?)"),
      item: db.prepare("INSERT INTO inbox_items (key, m, item) VALUES (?, ?, ?)"),
      marks: db.prepare("INSERT OR REPLACE INTO inbox_marks (key, head, acked, floor) VALUES (?, ?, ?, ?)"),
      forget: db.prepare("DELETE FROM inbox_items WHERE key = ? AND m <= ?"),
      removeItems: db.prepare("DELETE FROM inbox_items WHERE key = ?"),
      removeMarks: db.prepare("DELETE FROM inbox_marks WHERE key = ?"),
      group: db.prepare("INSERT INTO groups (key, name, owner, created) VALUES (?, ?, ?, ?)"),
      member: db.prepare("INSERT OR IGNORE INTO group_members (group_key, key, user, since) VALUES (?, ?, ?, ?)"),
      unmember: db.prepare("DELETE FROM group_members WHERE group_key = ? AND key = ?"),
      owner: db.prepare("UPDATE groups SET owner = ? WHERE key = ?"),
      ungroup: db.prepare("DELETE FROM groups WHERE key = ?"),
      unmemberAll: db.prepare("DELETE FROM group_members WHERE group_key = ?"),
    };
    this.inTransaction = db.transaction((message: StoredMessage | undefined, deliveries: readonly Delivery[]) => {
      if (message) {
        const { conv, id, fromKey, recipients, ...wire } = message;
        this.sql.message.run(conv, message.seq, id, fromKey, JSON.stringify(wire), JSON.stringify(recipients));
      }
      const heads = new Map<string, number>();
      for (const { key, item } of deliveries) {
        const m = (heads.get(key) ?? this.inboxHead(key)) + 1;
        heads.set(key, m);
        this.sql.item.run(key, m, JSON.stringify(item));
      }
      for (const [key, head] of heads) this.sql.marks.run(key, head, this.acked(key), this.inboxFloor(key));
      return super.append(message, deliveries);
    });
    this.load(db);
  }

  private load(db: Database.Database): void {
    type MessageRow = { conv: string; id: string; from_key: string; message: string; recipients: string };
    for (const r of db.prepare("SELECT conv, id, from_key, message, recipients FROM conversation_messages ORDER BY conv, seq").iterate() as IterableIterator<MessageRow>) {
      const wire = JSON.parse(r.message) as ConversationMessage;
      this.addMessage({ ...wire, conv: r.conv, id: r.id, fromKey: r.from_key, recipients: JSON.parse(r.recipients) as string[] });
    }
    type MarksRow = { key: string; head: number; acked: number; floor: number };
    for (const r of db.prepare("SELECT key, head, acked, floor FROM inbox_marks").all() as MarksRow[]) {
      Object.assign(this.inbox(r.key, true)!, { head: r.head, acked: r.acked, floor: r.floor });
    }
    for (const r of db.prepare("SELECT key, m, item FROM inbox_items ORDER BY key, m").iterate() as IterableIterator<{ key: string; m: number; item: string }>) {
      this.inbox(r.key, true)!.items.push(JSON.parse(r.item) as InboxContent);
    }
    const members = new Map<string, Member[]>();
    for (const r of db.prepare("SELECT group_key, key, user, since FROM group_members ORDER BY since, rowid").all() as (Member & { group_key: string })[]) {
      let list = members.get(r.group_key);
      if (!list) members.set(r.group_key, (list = []));
      list.push({ key: r.key, user: r.user, since: r.since });
    }
    for (const g of db.prepare("SELECT key, name, owner, created FROM groups").all() as Omit<Group, "members">[]) {
      super.createGroup({ ...g, members: members.get(g.key) ?? [] });
    }
  }

  override append(message: StoredMessage | undefined, deliveries: readonly Delivery[]): number[] {
    return this.inTransaction(message, deliveries);
  }

  override acknowledge(key: string, m: number): void {
    const before = this.acked(key);
    super.acknowledge(key, m);
    if (this.acked(key) === before) return;
    this.sql.marks.run(key, this.inboxHead(key), this.acked(key), this.inboxFloor(key));
    this.sql.forget.run(key, this.inboxFloor(key));
  }

  override removeInbox(key: string): void {
    this.sql.removeItems.run(key);
    this.sql.removeMarks.run(key);
    super.removeInbox(key);
  }

  override createGroup(group: Group): void {
    this.sql.group.run(group.key, group.name, group.owner, group.created);
    for (const m of group.members) this.sql.member.run(group.key, m.key, m.user, m.since);
    super.createGroup(group);
  }

  override addMember(group: string, member: Member): void {
    this.sql.member.run(group, member.key, member.user, member.since);
    super.addMember(group, member);
  }

  override removeMember(group: string, key: string): void {
    this.sql.unmember.run(group, key);
    super.removeMember(group, key);
  }

  override setOwner(group: string, key: string): void {
    this.sql.owner.run(key, group);
    super.setOwner(group, key);
  }

  override deleteGroup(group: string): void {
    this.sql.unmemberAll.run(group);
    this.sql.ungroup.run(group);
    super.deleteGroup(group);
  }
}
