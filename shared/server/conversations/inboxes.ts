/**
 * Every account's inbox, and the inbox requests held waiting on it (the
 * long poll). An item is numbered m = 1, 2, ... per account, without
 * holes; a client fetches what follows the last m it has, and the server
 * holds that request until something arrives (conversations.ts in the
 * protocol). This is the only way private content leaves the server: as
 * the answer to an inbox request carrying the account's token, on the
 * ROUTER to the socket that asked. Never on PUB, which any SUB can read.
 *
 * Waiters are callbacks: this class knows no socket and no token; the
 * pipeline's InboxPolls re-checks the token when a waiter is woken.
 */
import { INBOX_BATCH, INBOX_MAX_UNREAD } from "../../protocol/limits.js";
import type { InboxAnswer } from "../../protocol/index.js";
import type { ConversationStore, Delivery, InboxContent, StoredMessage } from "./store.js";

export type { InboxContent } from "./store.js";

/** Requests held per account; past it the oldest is answered at once (with nothing), so a client cannot pile them up. */
export const WAITERS_PER_ACCOUNT = 32;

export class Inboxes {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Whether this wakes held requests after its own changes; not when the store tells of every change, made here or elsewhere. */
  private readonly wakesItself: boolean;

  constructor(readonly store: ConversationStore) {
    this.wakesItself = store.onInboxChanged === undefined;
    store.onInboxChanged?.((key) => this.wake(key));
  }

  /**
   * Adds one item to the inbox of account `key` (folded, accounts/names.ts)
   * and wakes its held requests; false, and nothing added, when the inbox
   * holds INBOX_MAX_UNREAD unacknowledged items already. Alerts and group
   * notices come through here.
   */
  async deliver(key: string, item: InboxContent): Promise<boolean> {
    if (!this.hasRoom(key)) return false;
    await this.store.append(undefined, [{ key, item }]);
    if (this.wakesItself) this.wake(key);
    return true;
  }

  /** Stores a conversation message and its copies in each recipient's inbox, in one transaction; wakes them. */
  async post(message: StoredMessage, deliveries: readonly Delivery[]): Promise<void> {
    await this.store.append(message, deliveries);
    if (this.wakesItself) for (const d of deliveries) this.wake(d.key);
  }

  /** Whether the inbox of `key` can take one more item. */
  hasRoom(key: string): boolean {
    return this.store.inboxHead(key) - this.store.acked(key) < INBOX_MAX_UNREAD;
  }

  /**
   * What an inbox request is answered with: the items after `after` (or
   * after the acknowledged position without it), at most INBOX_BATCH. A
   * request with `after` acknowledges up to it. The answer's `after` is
   * raised past items forgotten long after their acknowledgement, and
   * lowered to the head for a client ahead of the inbox (a memory server
   * that restarted): either way the client continues from it.
   */
  read(key: string, after: number | undefined): InboxAnswer {
    const { store } = this;
    const head = store.inboxHead(key);
    if (after !== undefined) {
      /*
       * Not awaited: the answer does not depend on it (items at and after
       * `after` are never forgotten by acknowledging it), and an
       * acknowledgement a cluster failed to store is repeated by the
       * client's next request, which carries the same `after` or a later one.
       */
      const acked = store.acknowledge(key, Math.min(after, head));
      if (acked instanceof Promise) acked.catch(() => {});
    }
    const from = Math.max(Math.min(after ?? store.acked(key), head), store.inboxFloor(key));
    return { after: from, head, items: store.items(key, from, INBOX_BATCH) };
  }

  /** Whether an answer for `after` would hold items now (or must be answered at once to resynchronise a client ahead). */
  ready(key: string, after: number | undefined): boolean {
    const head = this.store.inboxHead(key);
    return after === undefined ? head > this.store.acked(key) : after !== head;
  }

  /** Holds `wake` until an item arrives for `key` (or wake(key)); returns the function that cancels it. */
  wait(key: string, wake: () => void): () => void {
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(wake);
    if (set.size > WAITERS_PER_ACCOUNT) set.values().next().value!();
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
    };
  }

  /** Wakes every held request of `key`: an item arrived, or its login ended (logout, passwd, unregister). */
  wake(key: string): void {
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const w of set) w();
  }

  /** Wakes every held request (the server is stopping). */
  wakeAll(): void {
    for (const key of [...this.waiters.keys()]) this.wake(key);
  }

  /** Forgets an account's inbox and acknowledged position (unregister), and answers its held requests. */
  async remove(key: string): Promise<void> {
    await this.store.removeInbox(key);
    if (this.wakesItself) this.wake(key);
  }
}
