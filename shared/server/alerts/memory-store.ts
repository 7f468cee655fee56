/**
 * The watch store in memory (a server without --store): gone when the
 * process ends. The SQLite engine keeps one of these as its cache and
 * writes every change through to the file.
 */
import type { Watch } from "../../protocol/index.js";
import type { Subscriptions, WatchStore } from "./store.js";
import { fold } from "./words.js";

interface Mine {
  watches: Watch[];
  follows: string[];
}

const EMPTY: Subscriptions = Object.freeze({ watches: Object.freeze([]), follows: Object.freeze([]) });
const same = (a: Watch, b: Watch) => a.channel === b.channel && fold(a.keyword) === fold(b.keyword);

export class MemoryWatchStore implements WatchStore {
  private readonly accounts = new Map<string, Mine>();
  private readonly followedBy = new Map<string, Set<string>>();

  *all(): Iterable<[string, Subscriptions]> {
    yield* this.accounts.entries();
  }

  get(key: string): Subscriptions {
    return this.accounts.get(key) ?? EMPTY;
  }

  addWatch(key: string, watch: Watch): boolean {
    const mine = this.mine(key);
    if (mine.watches.some((w) => same(w, watch))) return false;
    mine.watches.push(watch.channel === undefined ? { keyword: watch.keyword } : { keyword: watch.keyword, channel: watch.channel });
    return true;
  }

  removeWatch(key: string, watch: Watch): boolean {
    const mine = this.accounts.get(key);
    const i = mine?.watches.findIndex((w) => same(w, watch)) ?? -1;
    if (i < 0) return false;
    mine!.watches.splice(i, 1);
    this.tidy(key);
    return true;
  }

  addFollow(key: string, followee: string): boolean {
    const mine = this.mine(key);
    if (mine.follows.includes(followee)) return false;
    mine.follows.push(followee);
    let by = this.followedBy.get(followee);
    if (!by) this.followedBy.set(followee, (by = new Set()));
    by.add(key);
    return true;
  }

  removeFollow(key: string, followee: string): boolean {
    return this.dropFollow(key, followee);
  }

  followers(followee: string): readonly string[] {
    return [...(this.followedBy.get(followee) ?? [])];
  }

  forget(key: string): void {
    for (const follower of this.followers(key)) this.dropFollow(follower, key);
    for (const followee of [...this.get(key).follows]) this.dropFollow(key, followee);
    this.accounts.delete(key);
  }

  /* Not overridden: forget() uses it on what the SQLite engine has deleted already. */
  private dropFollow(key: string, followee: string): boolean {
    const mine = this.accounts.get(key);
    const i = mine?.follows.indexOf(followee) ?? -1;
    if (i < 0) return false;
    mine!.follows.splice(i, 1);
    const by = this.followedBy.get(followee);
    by?.delete(key);
    if (by?.size === 0) this.followedBy.delete(followee);
    this.tidy(key);
    return true;
  }

  private mine(key: string): Mine {
    let mine = this.accounts.get(key);
    if (!mine) this.accounts.set(key, (mine = { watches: [], follows: [] }));
    return mine;
  }

  /** An account with nothing left is not kept. */
  private tidy(key: string): void {
    const mine = this.accounts.get(key);
    if (mine && mine.watches.length === 0 && mine.follows.length === 0) this.accounts.delete(key);
  }
}
