/**
 * Private and group messages: who may send to whom, numbering in the
 * conversation, delivery to every participant's inbox (the sender's too,
 * so its other clients show it), and a conversation's history.
 *
 * Decisions, for the record:
 * - A group message from a non-member, and history of a group one is not
 *   in, are refused with not-found and the same sentence as a name nobody
 *   has: the answer does not tell whether such a group exists. (Creating a
 *   group with a taken name does tell, as registering a taken name does.)
 * - A private message to oneself is refused ("that is you"): the inbox
 *   already gives each message to all of one's clients.
 * - A recipient whose inbox is full (INBOX_MAX_UNREAD) refuses the whole
 *   message with too-many: nothing is delivered to anyone, the sender can
 *   retry later, and no member of a group sees a message others missed.
 * - Who received a message (and who sent it, for retries) is recorded as
 *   the account's key with its registration time (`who`): an account
 *   registered later under a name that was unregistered reads nothing of
 *   the earlier account's conversations.
 */
import type { ConversationAnswer, ConversationMessage, ConversationRequest, MsgAnswer, MsgRequest } from "../../protocol/index.js";
import { INBOX_MAX_UNREAD } from "../../protocol/limits.js";
import type { AccountStore } from "../accounts/store.js";
import { accountKey } from "../accounts/names.js";
import { Refusal } from "../accounts/refusal.js";
import type { Inboxes } from "./inboxes.js";
import { groupConversation, privateConversation, type ConversationStore, type StoredMessage } from "./store.js";

/** What the server's --log hears of a message: never its body. */
export interface MessageSent {
  from: string;
  to: string;
  group: boolean;
  seq: number;
}

/** The sentence for a name that is neither an account nor a group the asker is in. */
export const nobody = (name: string) => `no account or group named ${name}`;

/** A conversation as the asker sees it: its key, the other side's name, and who takes part (inbox keys and `who` ids). */
interface Side {
  conv: string;
  to: string;
  group: boolean;
  keys: string[];
  recipients: string[];
}

export class Messages {
  constructor(
    private readonly store: ConversationStore,
    private readonly inboxes: Inboxes,
    private readonly accounts: AccountStore,
    private readonly onSent: (m: MessageSent) => void = () => {},
  ) {}

  /** The original answer to a message account `from` sent with this id, if it is a retry. */
  retried(from: string, id: string): MsgAnswer | undefined {
    const m = this.store.byId(this.who(accountKey(from)), id);
    return m && answerOf(m);
  }

  /** Sends `r` from account `from` (its registered name), received at `now`; throws a Refusal. */
  async send(from: string, r: MsgRequest, now: number): Promise<MsgAnswer> {
    const fromKey = accountKey(from);
    const known = this.retried(from, r.id);
    if (known) return known;
    const side = this.side(fromKey, r.to);
    if (!side.group && side.keys[1] === fromKey) throw new Refusal("bad-request", `that is you: a private message goes to someone else`);
    for (const key of side.keys) {
      if (this.inboxes.hasRoom(key)) continue;
      throw new Refusal("too-many", key === fromKey
        ? `your inbox has ${INBOX_MAX_UNREAD} unread items: read them before sending more`
        : `${this.accounts.get(key)?.user ?? key}'s inbox is full (${INBOX_MAX_UNREAD} unread items): nothing was sent; try later`);
    }
    const wire: ConversationMessage = {
      type: "msg", from, to: side.to, ...(side.group ? { group: true as const } : {}),
      seq: this.store.head(side.conv) + 1, kind: r.kind, time: new Date(now).toISOString(), body: r.body,
    };
    const stored: StoredMessage = { ...wire, conv: side.conv, id: r.id, fromKey: this.who(fromKey), recipients: side.recipients };
    await this.inboxes.post(stored, side.keys.map((key) => ({ key, item: wire })));
    /* As stored: a cluster's store numbers a message in its order, and keeps the first of a retry sent through two servers. */
    const sent = this.store.byId(stored.fromKey, r.id) ?? stored;
    this.onSent({ from, to: side.to, group: side.group, seq: sent.seq });
    return answerOf(sent);
  }

  /** A conversation's history for account `reader`: only a participant's, and of a group only what it received. */
  history(reader: string, r: ConversationRequest): ConversationAnswer {
    const readerKey = accountKey(reader);
    const side = this.side(readerKey, r.with, true);
    const messages = this.store.messages(side.conv, this.who(readerKey), r.after, r.limit).map(wireOf);
    return { with: side.to, ...(side.group ? { group: true as const } : {}), head: this.store.head(side.conv), messages };
  }

  /**
   * The conversation `fromKey` has with `name`: a group it is a member of,
   * or an account (with `past`, also an account gone since, if they talked).
   */
  private side(fromKey: string, name: string, past = false): Side {
    const key = accountKey(name);
    const group = this.store.group(key);
    if (group) {
      if (!group.members.some((m) => m.key === fromKey)) throw new Refusal("not-found", nobody(name));
      const keys = group.members.map((m) => m.key);
      return { conv: groupConversation(key), to: group.name, group: true, keys, recipients: keys.map((k) => this.who(k)) };
    }
    const account = this.accounts.get(key);
    const conv = privateConversation(fromKey, key);
    if (!account && !(past && this.store.head(conv) > 0)) throw new Refusal("not-found", nobody(name));
    return { conv, to: account?.user ?? name, group: false, keys: [fromKey, key], recipients: [this.who(fromKey), this.who(key)] };
  }

  /** An account as recorded in a message: its key and registration time (its key alone once it is gone). */
  private who(key: string): string {
    const a = this.accounts.get(key);
    return a ? `${key}@${a.created}` : key;
  }
}

const answerOf = (m: StoredMessage): MsgAnswer => ({ to: m.to, ...(m.group ? { group: true as const } : {}), seq: m.seq, time: m.time });

/** A stored message as the wire carries it (without its conversation key, request id and recipients). */
function wireOf(m: StoredMessage): ConversationMessage {
  const { conv: _c, id: _i, fromKey: _f, recipients: _r, ...wire } = m;
  return wire;
}
