/**
 * The shared state of a cluster's servers, as each holds it: the memory
 * engines of the three stores (accounts, conversations, watches with the
 * matcher's index), changed only by applying operations (operation.ts) in
 * the state stream's order. Every server applies the same operations in
 * the same order to the same deterministic stores, so every server holds
 * the same state: the same accounts, the same inbox numbering (m = 1, 2, ...
 * without holes), the same answer to "is this name taken".
 *
 * Applying must depend on nothing but the state and the operation: any
 * time or random value is decided by the issuing server and carried in the
 * arguments. A few decisions are taken here, at apply time, because two
 * servers may issue conflicting operations before either sees the other's:
 * - names: an account is not added under a group's name, nor a group
 *   created under an account's or another group's (the first in the
 *   stream wins; the issuer reads the outcome back, groups.ts / accounts.ts);
 * - a conversation message is numbered here (seq = head + 1), and a second
 *   message with the sender's request id (a retry sent through another
 *   server) is dropped: the issuer answers with the one stored;
 * - an operation several servers issue for one fact (an alert) is applied
 *   once: its id is remembered (the last ONCE_KEPT of them).
 *
 * Listeners hear of what changed, after each operation, on every server:
 * inboxes that changed (held inbox requests are woken) and accounts whose
 * sessions ended.
 */
import { MemoryAccountStore } from "../accounts/memory-store.js";
import { MatchedWatchStore } from "../alerts/indexed-store.js";
import { MemoryWatchStore } from "../alerts/memory-store.js";
import { MemoryConversationStore } from "../conversations/memory-store.js";
import type { Delivery, InboxContent, StoredMessage } from "../conversations/store.js";
import type { Operation, StoreName } from "./operation.js";

/** Ids of operations applied once (alerts) remembered to drop later copies. */
export const ONCE_KEPT = 50_000;

/** The changing methods an operation may name, per store: nothing else is ever called from the stream. */
const METHODS: Record<StoreName, ReadonlySet<string>> = {
  accounts: new Set(["add", "setPassword", "remove", "setFailures", "addFailure", "clearFailures", "addSession", "endSessions", "pruneSessions"]),
  conversations: new Set(["append", "appendShared", "acknowledge", "removeInbox", "createGroup", "addMember", "removeMember", "setOwner", "deleteGroup"]),
  watches: new Set(["addWatch", "removeWatch", "addFollow", "removeFollow", "forget"]),
};

export class StateMachine {
  readonly accounts: MemoryAccountStore;
  readonly conversations = new MemoryConversationStore();
  readonly watches = new MatchedWatchStore(new MemoryWatchStore());
  private readonly once = new Set<string>();
  private readonly inboxListeners: ((key: string) => void)[] = [];
  private readonly sessionListeners: ((key: string) => void)[] = [];

  constructor(failuresMax?: number) {
    this.accounts = new MemoryAccountStore(failuresMax);
  }

  /** Whether an operation applied once with this id has been applied. */
  seen(id: string): boolean {
    return this.once.has(id);
  }

  onInboxChanged(listener: (key: string) => void): void {
    this.inboxListeners.push(listener);
  }

  onSessionsEnded(listener: (key: string) => void): void {
    this.sessionListeners.push(listener);
  }

  /** Applies one operation; its method's result. Throws for an operation no server could apply (the same everywhere). */
  apply(op: Operation): unknown {
    if (!METHODS[op.s]?.has(op.m)) throw new Error(`unknown operation ${op.s}.${op.m}`);
    if (op.o) {
      if (this.once.has(op.i)) return undefined;
      this.once.add(op.i);
      if (this.once.size > ONCE_KEPT) this.once.delete(this.once.values().next().value!);
    }
    const a = op.a as never[];
    switch (op.s) {
      case "accounts":
        return this.applyAccounts(op.m, a);
      case "conversations":
        return this.applyConversations(op.m, a);
      case "watches":
        return (this.watches[op.m as "forget"] as (...args: unknown[]) => unknown).apply(this.watches, a);
    }
  }

  private applyAccounts(method: string, a: never[]): unknown {
    const store = this.accounts;
    if (method === "add" && this.conversations.group((a[0] as { key: string }).key)) return false;
    const result = (store[method as "add"] as (...args: unknown[]) => unknown).apply(store, a);
    if (method === "endSessions" || method === "remove") this.tell(this.sessionListeners, a[0] as string);
    return result;
  }

  private applyConversations(method: string, a: never[]): unknown {
    const store = this.conversations;
    switch (method) {
      case "append":
      case "appendShared": {
        const [message, keys, shared] = a as unknown as [StoredMessage | undefined, unknown, InboxContent | undefined];
        const deliveries: Delivery[] = method === "append" ? (keys as Delivery[]) : (keys as string[]).map((key) => ({ key, item: shared! }));
        if (message) {
          if (store.byId(message.fromKey, message.id)) return [];
          const seq = store.head(message.conv) + 1;
          message.seq = seq;
          for (const d of deliveries) if (d.item.type === "msg") (d.item as { seq: number }).seq = seq;
        }
        const numbers = store.append(message, deliveries);
        for (const d of deliveries) this.tell(this.inboxListeners, d.key);
        return numbers;
      }
      case "createGroup": {
        const key = (a[0] as { key: string }).key;
        if (store.group(key) || this.accounts.get(key)) return undefined;
        return store.createGroup(a[0]);
      }
      default: {
        const result = (store[method as "removeInbox"] as (...args: unknown[]) => unknown).apply(store, a);
        if (method === "removeInbox") this.tell(this.inboxListeners, a[0] as string);
        return result;
      }
    }
  }

  /** Tells listeners; what they do cannot undo or fail the change, which is made. */
  private tell(listeners: readonly ((key: string) => void)[], key: string): void {
    for (const l of listeners) {
      try {
        l(key);
      } catch {
        /* a listener's own failure (a reply that cannot be sent) is its own */
      }
    }
  }
}
