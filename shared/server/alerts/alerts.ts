/**
 * Alerts on the server: what each account watches and follows (the store),
 * kept in step with the matcher's index, within ALERTS_MAX of each. The
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
import { Matcher, type MatchInput, type Match } from "./matcher.js";
import { MemoryWatchStore } from "./memory-store.js";
import type { Subscriptions, WatchStore } from "./store.js";
import { parseKeyword } from "./words.js";

export class Alerts {
  private readonly matcher = new Matcher();

  /** Takes the store as it is (a reopened file's included) and indexes it. */
  constructor(readonly store: WatchStore = new MemoryWatchStore()) {
    for (const [key, subs] of store.all()) {
      for (const w of subs.watches) {
        const k = parseKeyword(w.keyword);
        if (k) this.matcher.addKeyword(key, k, w.channel);
      }
      for (const followee of subs.follows) this.matcher.addFollow(key, followee);
    }
  }

  /** Whether no account watches or follows anything: the delivery's early return. */
  get empty(): boolean {
    return this.matcher.empty;
  }

  /** What account `key` watches and follows. */
  list(key: string): Subscriptions {
    return this.store.get(key);
  }

  /** Account `key` watches a keyword; a Refusal when it cannot be matched, or past ALERTS_MAX. */
  watch(key: string, watch: Watch): void {
    const k = parseKeyword(watch.keyword);
    if (!k) throw new Refusal("bad-field", `cannot watch ${watch.keyword}: a keyword needs a letter or a digit`);
    const watches = this.store.get(key).watches;
    if (watches.length >= ALERTS_MAX && !watches.some((w) => w.channel === watch.channel && parseKeyword(w.keyword)?.folded === k.folded)) {
      throw new Refusal("too-many", `you watch ${ALERTS_MAX} keywords, the most there may be: /unwatch one first`);
    }
    if (this.store.addWatch(key, watch)) this.matcher.addKeyword(key, k, watch.channel);
  }

  /** Ends account `key`'s watch of `keyword` in `channel`, or in every channel and each one when none is given. */
  unwatch(key: string, keyword: string, channel?: string): void {
    const k = parseKeyword(keyword);
    if (!k) return;
    const ending = this.store.get(key).watches.filter((w) => (channel === undefined || w.channel === channel) && parseKeyword(w.keyword)?.folded === k.folded);
    for (const w of ending) {
      this.store.removeWatch(key, w);
      this.matcher.removeKeyword(key, k, w.channel);
    }
  }

  /** Account `key` follows account `followee` (a key; the caller checks that it exists). */
  follow(key: string, followee: string): void {
    const follows = this.store.get(key).follows;
    if (follows.length >= ALERTS_MAX && !follows.includes(followee)) {
      throw new Refusal("too-many", `you follow ${ALERTS_MAX} users, the most there may be: /unfollow one first`);
    }
    if (this.store.addFollow(key, followee)) this.matcher.addFollow(key, followee);
  }

  unfollow(key: string, followee: string): void {
    if (this.store.removeFollow(key, followee)) this.matcher.removeFollow(key, followee);
  }

  /** An account is gone (unregistered): its watches and follows end, and so does every follow of it. */
  forget(key: string): void {
    const { watches, follows } = this.store.get(key);
    for (const w of watches) {
      const k = parseKeyword(w.keyword);
      if (k) this.matcher.removeKeyword(key, k, w.channel);
    }
    for (const followee of follows) this.matcher.removeFollow(key, followee);
    for (const follower of this.store.followers(key)) this.matcher.removeFollow(follower, key);
    this.store.forget(key);
  }

  /** The accounts a channel message alerts, and why (matcher.ts). */
  match(message: MatchInput): readonly Match[] {
    return this.matcher.match(message);
  }
}
