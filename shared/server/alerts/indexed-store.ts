/**
 * A watch store with the matcher's index (matcher.ts) kept in step with
 * it: every change that succeeds in the store changes the index too. The
 * index is derived from the store, so it belongs with it: a cluster's
 * replicated engine applies every server's changes to one of these, and
 * each server's matcher then knows every watch, wherever it was set.
 */
import type { Watch } from "../../protocol/index.js";
import type { Immediate } from "../changed.js";
import { Matcher } from "./matcher.js";
import type { IndexedWatchStore, Subscriptions, WatchStore } from "./store.js";
import { parseKeyword } from "./words.js";

export class MatchedWatchStore implements IndexedWatchStore {
  readonly matcher = new Matcher();

  /** Takes `inner` as it is (a reopened file's included) and indexes it. */
  constructor(private readonly inner: Immediate<WatchStore>) {
    for (const [key, subs] of inner.all()) {
      for (const w of subs.watches) this.index(key, w, true);
      for (const followee of subs.follows) this.matcher.addFollow(key, followee);
    }
  }

  all(): Iterable<[string, Subscriptions]> {
    return this.inner.all();
  }

  get(key: string): Subscriptions {
    return this.inner.get(key);
  }

  followers(followee: string): readonly string[] {
    return this.inner.followers(followee);
  }

  addWatch(key: string, watch: Watch): boolean {
    if (!this.inner.addWatch(key, watch)) return false;
    this.index(key, watch, true);
    return true;
  }

  removeWatch(key: string, watch: Watch): boolean {
    if (!this.inner.removeWatch(key, watch)) return false;
    this.index(key, watch, false);
    return true;
  }

  addFollow(key: string, followee: string): boolean {
    if (!this.inner.addFollow(key, followee)) return false;
    this.matcher.addFollow(key, followee);
    return true;
  }

  removeFollow(key: string, followee: string): boolean {
    if (!this.inner.removeFollow(key, followee)) return false;
    this.matcher.removeFollow(key, followee);
    return true;
  }

  forget(key: string): void {
    const { watches, follows } = this.inner.get(key);
    for (const w of watches) this.index(key, w, false);
    for (const followee of follows) this.matcher.removeFollow(key, followee);
    for (const follower of this.inner.followers(key)) this.matcher.removeFollow(follower, key);
    this.inner.forget(key);
  }

  private index(key: string, w: Watch, add: boolean): void {
    const k = parseKeyword(w.keyword);
    if (!k) return;
    if (add) this.matcher.addKeyword(key, k, w.channel);
    else this.matcher.removeKeyword(key, k, w.channel);
  }
}
