/**
 * Groups: create (the asker owns it), add and remove (the owner only),
 * leave (an owner leaving hands the group to the longest-standing member;
 * the last member leaving ends it), members, and the asker's groups. A
 * change takes effect at once: a message is delivered to the members at
 * the moment it is sent, so a removed member gets nothing sent after.
 *
 * Group names and account names are one namespace (both folded by
 * accounts/names.ts): a group may not take a name an account or a group
 * has, and registering a group's name is refused (chat-server.ts).
 *
 * Refusals: not-found for a group the asker is not in (as if it did not
 * exist, like messages.ts) and for users without an account; not-member
 * for an owner's action by another member; too-many for GROUP_MAX_MEMBERS
 * and GROUPS_OWNED_MAX. Each change sends group notices to the inboxes of
 * the members concerned; a notice to a full inbox is dropped.
 */
import type { GroupAnswer, GroupNotice, GroupRequest, GroupsAnswer } from "../../protocol/index.js";
import { GROUP_MAX_MEMBERS, GROUPS_OWNED_MAX } from "../../protocol/limits.js";
import type { AccountStore } from "../accounts/store.js";
import { accountKey } from "../accounts/names.js";
import { Refusal } from "../accounts/refusal.js";
import type { Inboxes } from "./inboxes.js";
import { nobody } from "./messages.js";
import type { ConversationStore, Group, Member } from "./store.js";

export class Groups {
  constructor(
    private readonly store: ConversationStore,
    private readonly inboxes: Inboxes,
    private readonly accounts: AccountStore,
  ) {}

  /** Whether a group has this (folded) name. */
  has(key: string): boolean {
    return this.store.group(key) !== undefined;
  }

  /** One group action by account `asker` (its registered name) at `now`; the group as it is after. */
  async act(asker: string, r: GroupRequest, now: number): Promise<GroupAnswer> {
    const me = accountKey(asker);
    if (r.action === "create") return await this.create(asker, r.name, r.users ?? [], now);
    const g = this.store.group(accountKey(r.name));
    if (!g || !isIn(g, me)) throw new Refusal("not-found", nobody(r.name));
    if (r.action === "members") return answer(g, this.store);
    if (r.action === "leave") return await this.leave(g, me, asker, now);
    if (g.owner !== me) throw new Refusal("not-member", `only ${g.name}'s owner, ${ownerName(g)}, can ${r.action} members`);
    if (!r.users?.length) throw new Refusal("bad-request", `name the users to ${r.action}`);
    const users = this.members(r.users, now);
    if (r.action === "add") {
      const added = users.filter((u) => !isIn(g, u.key));
      if (g.members.length + added.length > GROUP_MAX_MEMBERS) throw new Refusal("too-many", `a group has at most ${GROUP_MAX_MEMBERS} members, the owner included`);
      for (const u of added) await this.store.addMember(g.key, u);
      for (const u of added) await this.notify(g.members, g, "added", u.user, asker, now);
    } else {
      for (const u of users) {
        if (!isIn(g, u.key)) throw new Refusal("not-found", `${u.user} is not in ${g.name}`);
        if (u.key === g.owner) throw new Refusal("bad-request", `${g.name}'s owner cannot be removed: the owner leaves instead`);
      }
      for (const u of users) {
        await this.store.removeMember(g.key, u.key);
        await this.notify([...g.members, u], g, "removed", u.user, asker, now);
      }
    }
    return answer(g, this.store);
  }

  /** The groups account `user` is in. */
  list(user: string): GroupsAnswer {
    const groups = this.store.groupsOf(accountKey(user)).map((g) => ({ name: g.name, owner: ownerName(g), members: g.members.length }));
    return { groups: groups.sort((a, b) => (a.name < b.name ? -1 : 1)) };
  }

  /** An account that is unregistered leaves every group it is in (owned ones are handed on). */
  async removeAccount(key: string, user: string, now: number): Promise<void> {
    for (const g of this.store.groupsOf(key)) await this.leave(g, key, user, now);
  }

  private async create(asker: string, name: string, names: string[], now: number): Promise<GroupAnswer> {
    const key = accountKey(name);
    const me = accountKey(asker);
    if (this.store.group(key) || this.accounts.get(key)) throw new Refusal("name-taken", `${name} is taken: pick another name for the group`);
    const others = new Map(names.map((n) => [accountKey(n), n]));
    others.delete(me);
    if (others.size + 1 > GROUP_MAX_MEMBERS) throw new Refusal("too-many", `a group has at most ${GROUP_MAX_MEMBERS} members, the owner included`);
    if (this.store.owned(me) >= GROUPS_OWNED_MAX) throw new Refusal("too-many", `you own ${GROUPS_OWNED_MAX} groups, the most one account may own`);
    const members = [{ key: me, user: asker, since: now }, ...this.members([...others.values()], now)];
    await this.store.createGroup({ key, name, owner: me, created: now, members });
    const g = this.store.group(key);
    /* Another server's group or account of this name may have come first in a cluster's order: then this one was not made. */
    if (!g || g.owner !== me || g.created !== now) throw new Refusal("name-taken", `${name} is taken: pick another name for the group`);
    await this.notify(g.members, g, "created", asker, asker, now);
    return answer(g, this.store);
  }

  private async leave(g: Group, key: string, user: string, now: number): Promise<GroupAnswer> {
    const leaving = g.members.find((m) => m.key === key)!;
    await this.store.removeMember(g.key, key);
    const left = this.store.group(g.key);
    /* Gone meanwhile (a cluster: its last other member left through another server). */
    if (!left) return { name: g.name, owner: user, members: [] };
    await this.notify([...left.members, leaving], left, "left", user, user, now);
    if (left.members.length === 0) {
      await this.store.deleteGroup(g.key);
      return { name: g.name, owner: user, members: [] };
    }
    if (left.owner === key) {
      const heir = left.members[0]!;
      await this.store.setOwner(g.key, heir.key);
      await this.notify(left.members, left, "owner", heir.user, user, now);
    }
    return answer(left, this.store);
  }

  /** Accounts for names (each once), joining at `now`; not-found for a name without an account. */
  private members(names: string[], now: number): Member[] {
    const byKey = new Map<string, Member>();
    for (const n of names) {
      const a = this.accounts.get(accountKey(n));
      if (!a) throw new Refusal("not-found", `no account named ${n}`);
      byKey.set(a.key, { key: a.key, user: a.user, since: now });
    }
    return [...byKey.values()];
  }

  private async notify(to: readonly Member[], g: Group, event: GroupNotice["event"], user: string, by: string, now: number): Promise<void> {
    const notice: GroupNotice = { type: "group", group: g.name, event, user, by, time: new Date(now).toISOString() };
    for (const m of to) await this.inboxes.deliver(m.key, notice);
  }
}

const isIn = (g: Group, key: string) => g.members.some((m) => m.key === key);
const ownerName = (g: Group) => g.members.find((m) => m.key === g.owner)?.user ?? g.owner;
const answer = (g: Group, store: ConversationStore): GroupAnswer => {
  const now = store.group(g.key) ?? g;
  return { name: now.name, owner: ownerName(now), members: now.members.map((m) => m.user) };
};
