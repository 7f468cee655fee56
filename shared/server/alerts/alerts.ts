/**
 * Alerts on the server: what each account watches and follows (the store,
 * with the matcher's index kept in step by indexed-store.ts), within
 * ALERTS_MAX of each. The
 * `alerts` handler changes it; the delivery (delivery.ts) asks it which
 * accounts a committed message alerts.
 *
 * A watch is a keyword in every channel or in one; the same keyword
 * (folded, words.ts) in the same channel is watched once. Unwatching with a
 * channel ends that channel's watch; without one, every watch of the keyword.
 */
import { ALERTS_MAX } from "../../protocol/limits.js";
import type { Watch } from "../../protocol/index.js";
import { Refusal } from "../accounts/refusal.js";
import type { Immediate } from "../changed.js";
import { MatchedWatchStore } from "./indexed-store.js";
import type { MatchInput, Match } from "./matcher.js";
import { MemoryWatchStore } from "./memory-store.js";
import type { IndexedWatchStore, Subscriptions, WatchStore } from "./store.js";
import { parseKeyword } from "./words.js";

export class Alerts {
  /** The store with its matcher: a cluster's own, or the given one wrapped (indexed as it is: a reopened file's included). */
  readonly store: IndexedWatchStore;

  constructor(store: WatchStore = new MemoryWatchStore()) {
    /* A store without a matcher of its own is the memory or SQLite engine, whose changes are immediate. */
    this.store = "matcher" in store ? (store as IndexedWatchStore) : new MatchedWatchStore(store as Immediate<WatchStore>);
  }

  /** Whether no account watches or follows anything: the delivery's early return. */
  get empty(): boolean {
    return this.store.matcher.empty;
  }

  /** What account `key` watches and follows. */
  list(key: string): Subscriptions {
    return this.store.get(key);
  }

  /** Account `key` watches a keyword; a Refusal when it cannot be matched, or past ALERTS_MAX. */
  async watch(key: string, watch: Watch): Promise<void> {
    const k = parseKeyword(watch.keyword);
    if (!k) throw new Refusal("bad-field", `cannot watch ${watch.keyword}: a keyword needs a letter or a digit`);
    const watches = this.store.get(key).watches;
    if (watches.length >= ALERTS_MAX && !watches.some((w) => w.channel === watch.channel && parseKeyword(w.keyword)?.folded === k.folded)) {
      throw new Refusal("too-many", `you watch ${ALERTS_MAX} keywords, the most there may be: /unwatch one first`);
    }
    await this.store.addWatch(key, watch);
  }

  /** Ends account `key`'s watch of `keyword` in `channel`, or in every channel and each one when none is given. */
  async unwatch(key: string, keyword: string, channel?: string): Promise<void> {
    const k = parseKeyword(keyword);
    if (!k) return;
    const ending = this.store.get(key).watches.filter((w) => (channel === undefined || w.channel === channel) && parseKeyword(w.keyword)?.folded === k.folded);
    for (const w of ending) await this.store.removeWatch(key, w);
  }

  /** Account `key` follows account `followee` (a key; the caller checks that it exists). */
  async follow(key: string, followee: string): Promise<void> {
    const follows = this.store.get(key).follows;
    if (follows.length >= ALERTS_MAX && !follows.includes(followee)) {
      throw new Refusal("too-many", `you follow ${ALERTS_MAX} users, the most there may be: /unfollow one first`);
    }
    await this.store.addFollow(key, followee);
  }

  async unfollow(key: string, followee: string): Promise<void> {
    await this.store.removeFollow(key, followee);
  }

  /** An account is gone (unregistered): its watches and follows end, and so does every follow of it. */
  async forget(key: string): Promise<void> {
    await this.store.forget(key);
  }

  /** The accounts a channel message alerts, and why (matcher.ts). */
  match(message: MatchInput): readonly Match[] {
    return this.store.matcher.match(message);
  }
}
