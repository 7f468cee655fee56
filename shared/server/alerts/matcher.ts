/**
 * Which accounts a channel message alerts, and why. Keywords are indexed by
 * their first word (words.ts) and follows by the followed account, so a
 * message costs one lookup per word it has, however many accounts watch:
 * O(words + matches), not O(watchers).
 *
 * A message alerts an account once, whatever else of it matches: a
 * followed author first, else the first keyword found in the message (in
 * the order of its words). The author is never alerted by their own message.
 */
import { accountKey } from "../accounts/names.js";
import { fold, matchesAt, WORD, type Keyword } from "./words.js";

/** A channel message, as much of it as matching needs. */
export interface MatchInput {
  channel: string;
  /** The author's name (an account's registered spelling when it posted logged in). */
  user: string;
  body: string;
}

/** An account to alert, and why: the keyword as it wrote it, or the followed author. */
export type Match = { key: string; keyword: string; author?: undefined } | { key: string; author: string; keyword?: undefined };

/** One account's watch of one keyword. */
interface KeywordWatch extends Keyword {
  key: string;
  channel: string | undefined;
}

const NONE: readonly Match[] = Object.freeze([]);

export class Matcher {
  /** Keyword watches by their first word, folded. */
  private readonly byWord = new Map<string, KeywordWatch[]>();
  /** Followers by the followed account's key. */
  private readonly followers = new Map<string, string[]>();

  /** Whether nothing is watched or followed: every message then costs one check. */
  get empty(): boolean {
    return this.byWord.size === 0 && this.followers.size === 0;
  }

  /** Account `key` watches `k` (in `channel` only, when given); the caller keeps it from watching one twice. */
  addKeyword(key: string, k: Keyword, channel?: string): void {
    const list = this.byWord.get(k.first);
    const w: KeywordWatch = { ...k, key, channel };
    if (list) list.push(w);
    else this.byWord.set(k.first, [w]);
  }

  /** Account `key` no longer watches `k` in `channel` (undefined: its every-channel watch of `k`). */
  removeKeyword(key: string, k: Keyword, channel?: string): void {
    const list = this.byWord.get(k.first);
    const i = list?.findIndex((w) => w.key === key && w.folded === k.folded && w.channel === channel) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.byWord.delete(k.first);
  }

  /** Account `key` follows the account `followee` (a key). */
  addFollow(key: string, followee: string): void {
    const list = this.followers.get(followee);
    if (list) list.push(key);
    else this.followers.set(followee, [key]);
  }

  removeFollow(key: string, followee: string): void {
    const list = this.followers.get(followee);
    const i = list?.indexOf(key) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.followers.delete(followee);
  }

  /** The accounts `message` alerts, each once, in the order found. */
  match(message: MatchInput): readonly Match[] {
    if (this.empty) return NONE;
    const author = accountKey(message.user);
    const found: Match[] = [];
    const alerted = new Set<string>([author]);
    for (const key of this.followers.get(author) ?? NONE_KEYS) {
      if (alerted.has(key)) continue;
      alerted.add(key);
      found.push({ key, author: message.user });
    }
    if (this.byWord.size === 0) return found;

    const text = fold(message.body);
    /* Synchronous from here to the end: one regex serves every call. */
    const words = WORDS;
    words.lastIndex = 0;
    for (let m = words.exec(text); m !== null; m = words.exec(text)) {
      const list = this.byWord.get(m[0]);
      if (!list) continue;
      for (const w of list) {
        if (alerted.has(w.key)) continue;
        if (w.channel !== undefined && w.channel !== message.channel) continue;
        if (!w.single && !matchesAt(w, text, m.index)) continue;
        alerted.add(w.key);
        found.push({ key: w.key, keyword: w.keyword });
      }
    }
    return found;
  }
}

const NONE_KEYS: readonly string[] = [];
const WORDS = new RegExp(WORD);
