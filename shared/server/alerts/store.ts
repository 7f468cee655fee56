/**
 * Where alerts' subscriptions live: per account (by its key, names.ts), the
 * keywords it watches, each in every channel or in one, and the accounts it
 * follows. Two engines, memory and SQLite (the store file's own
 * connection), pass one contract suite (shared/testing/watch-store-contract.ts).
 *
 * Like the accounts store, every read is synchronous and served from
 * memory, and a change is a promise only in a cluster's engine
 * (shared/server/replicated/). Limits (ALERTS_MAX) are the caller's (alerts.ts).
 */
import type { Watch } from "../../protocol/index.js";
import type { Changed } from "../changed.js";
import type { Matcher } from "./matcher.js";

/** What one account watches and follows, each in the order added. */
export interface Subscriptions {
  watches: readonly Watch[];
  /** The keys of the accounts it follows. */
  follows: readonly string[];
}

export interface WatchStore {
  /** Every account that watches or follows something (to build the matcher at start). */
  all(): Iterable<[key: string, subscriptions: Subscriptions]>;
  /** An account's subscriptions (empty lists when it has none). */
  get(key: string): Subscriptions;
  /**
   * Adds a watch; false, and nothing changed, when the account watches the
   * same keyword (folded, words.ts) in the same channel (or in every channel) already.
   */
  addWatch(key: string, watch: Watch): Changed<boolean>;
  /** Removes the watch of the same keyword (folded) and channel; false when there was none. */
  removeWatch(key: string, watch: Watch): Changed<boolean>;
  /** Adds a follow of account `followee`; false when it is there already. */
  addFollow(key: string, followee: string): Changed<boolean>;
  removeFollow(key: string, followee: string): Changed<boolean>;
  /** Accounts that follow `followee`. */
  followers(followee: string): readonly string[];
  /** An account is gone: its watches and follows, and every follow of it, are removed. */
  forget(key: string): Changed<void>;
}

/**
 * A watch store that keeps the matcher's index in step with every change
 * (indexed-store.ts): a cluster's, whose changes come from every server,
 * has one; Alerts wraps any other.
 */
export interface IndexedWatchStore extends WatchStore {
  readonly matcher: Matcher;
}
