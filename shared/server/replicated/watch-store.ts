/**
 * The watch store of a cluster's server: reads (and the matcher, kept in
 * step by the state machine's MatchedWatchStore) from this server's copy of
 * the shared state; every change an operation on the state stream. So a
 * watch set through one server alerts on posts through any.
 */
import type { Watch } from "../../protocol/index.js";
import type { Matcher } from "../alerts/matcher.js";
import type { IndexedWatchStore, Subscriptions } from "../alerts/store.js";
import type { StateStream } from "./state-stream.js";

export class ReplicatedWatchStore implements IndexedWatchStore {
  private readonly local;

  constructor(private readonly state: StateStream) {
    this.local = state.machine.watches;
  }

  get matcher(): Matcher {
    return this.local.matcher;
  }

  all(): Iterable<[string, Subscriptions]> {
    return this.local.all();
  }

  get(key: string): Subscriptions {
    return this.local.get(key);
  }

  followers(followee: string): readonly string[] {
    return this.local.followers(followee);
  }

  addWatch(key: string, watch: Watch): Promise<boolean> {
    return this.change("addWatch", key, watch) as Promise<boolean>;
  }

  removeWatch(key: string, watch: Watch): Promise<boolean> {
    return this.change("removeWatch", key, watch) as Promise<boolean>;
  }

  addFollow(key: string, followee: string): Promise<boolean> {
    return this.change("addFollow", key, followee) as Promise<boolean>;
  }

  removeFollow(key: string, followee: string): Promise<boolean> {
    return this.change("removeFollow", key, followee) as Promise<boolean>;
  }

  forget(key: string): Promise<void> {
    return this.change("forget", key) as Promise<void>;
  }

  private change(method: string, ...args: unknown[]): Promise<unknown> {
    return this.state.issue("watches", method, args);
  }
}
