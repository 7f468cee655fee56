/**
 * Who is here: clients say hello on start and every few seconds after, and
 * bye on exit; a session not heard from for `timeoutMs` is forgotten. The
 * table is bounded: past `capacity` sessions the least recently seen goes.
 *
 * Each session keeps when it joined each of its channels (what /who shows).
 * A session that said bye stays gone: a hello of it that arrives later (sent
 * before the bye, answered after the client stopped waiting) is answered
 * but changes nothing, or it would linger as a ghost until the timeout.
 * It also keeps each present user's last post per channel (`posted`), for
 * who's `active`; forgotten when the user leaves the channel.
 */
import type { Hello, PresenceEvent } from "../protocol/index.js";
import { ALL } from "../protocol/limits.js";

interface Session {
  user: string;
  /** Each channel followed, with when it was joined (ms since the Unix epoch). */
  channels: Map<string, number>;
  seen: number;
  /** Heard through the cluster from another server (presence-bridge.ts), not from a client of this one. */
  remote: boolean;
}

/** The sessions present, and the join and leave events their changes imply. */
export class PresenceTable {
  private readonly sessions = new Map<string, Session>();
  /** Sessions that said bye, oldest first; as many as sessions may be present. */
  private readonly ended = new Set<string>();
  /** Last post time of each user present in a channel, by `channel NUL user`; only while present. */
  private readonly lastPost = new Map<string, number>();
  /** Which `channel NUL user` pairs are present: a post by anyone else is not remembered. */
  private readonly members = new Set<string>();
  /** Who hears of every hello taken (the cluster registry: a user arrived). */
  private readonly helloListeners = new Set<(user: string) => void>();

  constructor(
    readonly timeoutMs: number,
    private readonly capacity = 10_000,
  ) {}

  /**
   * Records a hello; returns the joins and leaves it implies. A channel the
   * hello says was joined already (a hello after a server restart) keeps that
   * time and is not announced.
   */
  hello(h: Hello, now: number, remote = false): PresenceEvent[] {
    if (this.ended.has(h.session)) return [];
    if (!remote) for (const l of this.helloListeners) l(h.user);
    const events: PresenceEvent[] = [];
    const old = this.sessions.get(h.session);
    const joinedAt = (c: string): number | undefined => {
      const t = h.joined?.[c] === undefined ? NaN : Date.parse(h.joined[c]!);
      return Number.isNaN(t) ? undefined : Math.min(t, now);
    };
    const channels = new Map<string, number>();
    if (old && old.user === h.user) {
      this.sessions.delete(h.session); // re-insert: the map stays ordered by last seen
      for (const c of old.channels.keys()) if (!h.channels.includes(c)) events.push(...this.leaveEvent(h.user, c, h.session));
      for (const c of h.channels) {
        const known = old.channels.get(c) ?? joinedAt(c);
        if (known === undefined) events.push(...this.joinEvent(h.user, c));
        channels.set(c, known ?? now);
      }
      old.channels = channels;
      old.seen = now;
      old.remote = remote;
      for (const c of channels.keys()) this.members.add(`${c}\0${h.user}`);
      this.sessions.set(h.session, old);
      return events;
    }
    if (old) events.push(...this.remove(h.session));
    for (const c of h.channels) {
      const known = joinedAt(c);
      if (known === undefined) events.push(...this.joinEvent(h.user, c));
      channels.set(c, known ?? now);
    }
    this.sessions.set(h.session, { user: h.user, channels, seen: now, remote });
    for (const c of channels.keys()) this.members.add(`${c}\0${h.user}`);
    if (this.sessions.size > this.capacity) events.push(...this.remove(this.sessions.keys().next().value!));
    return events;
  }

  /** Forgets a session that said goodbye, for good. */
  bye(session: string): PresenceEvent[] {
    this.ended.delete(session);
    this.ended.add(session);
    if (this.ended.size > this.capacity) this.ended.delete(this.ended.values().next().value!);
    return this.remove(session);
  }

  /** Forgets sessions silent for longer than the timeout. */
  prune(now: number): PresenceEvent[] {
    const events: PresenceEvent[] = [];
    for (const [id, s] of this.sessions) {
      if (now - s.seen <= this.timeoutMs) break; // ordered by last seen
      events.push(...this.remove(id));
    }
    return events;
  }

  /** Notes a committed post of `user` in `channel` at `at`, if the user is present there. */
  posted(user: string, channel: string, at: number): void {
    const key = `${channel}\0${user}`;
    if (this.members.has(key)) this.lastPost.set(key, at);
  }

  /**
   * Users present in a channel (any channel for ALL), each with the earliest
   * time they joined it and their last activity: their last post in the
   * channel (ALL: in any channel they are in) while present, else since.
   */
  who(channel: string): { user: string; since: number; active: number }[] {
    const users = new Map<string, number>();
    for (const s of this.sessions.values()) {
      const since = channel === ALL ? Math.min(...s.channels.values()) : s.channels.get(channel);
      if (since === undefined || !Number.isFinite(since)) continue;
      const known = users.get(s.user);
      if (known === undefined || since < known) users.set(s.user, since);
    }
    const posts = new Map<string, number>();
    if (channel === ALL) {
      for (const [key, at] of this.lastPost) {
        const user = key.slice(key.indexOf("\0") + 1);
        posts.set(user, Math.max(at, posts.get(user) ?? 0));
      }
    }
    return [...users]
      .map(([user, since]) => ({ user, since, active: (channel === ALL ? posts.get(user) : this.lastPost.get(`${channel}\0${user}`)) ?? since }))
      .sort((a, b) => (a.user < b.user ? -1 : 1));
  }

  /** Number of distinct users in each channel. */
  counts(): Map<string, number> {
    const users = new Map<string, Set<string>>();
    for (const s of this.sessions.values()) {
      for (const c of s.channels.keys()) {
        let set = users.get(c);
        if (!set) users.set(c, (set = new Set()));
        set.add(s.user);
      }
    }
    return new Map([...users].map(([c, set]) => [c, set.size]));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Calls `listener` with the user of every hello a client of this server sent; returns its removal. */
  onHello(listener: (user: string) => void): () => void {
    this.helloListeners.add(listener);
    return () => this.helloListeners.delete(listener);
  }

  /** The users with at least one session on this server (not those heard of from other servers). */
  localUsers(): Set<string> {
    return new Set([...this.sessions.values()].filter((s) => !s.remote).map((s) => s.user));
  }

  private remove(session: string): PresenceEvent[] {
    const s = this.sessions.get(session);
    if (!s) return [];
    this.sessions.delete(session);
    return [...s.channels.keys()].flatMap((c) => this.leaveEvent(s.user, c, session));
  }

  /** A join is news only when the user was not already in the channel from another session. */
  private joinEvent(user: string, channel: string): PresenceEvent[] {
    return this.present(user, channel) ? [] : [{ event: "join", user, channel }];
  }

  private leaveEvent(user: string, channel: string, leaving: string): PresenceEvent[] {
    for (const [id, s] of this.sessions) {
      if (id !== leaving && s.user === user && s.channels.has(channel)) return [];
    }
    this.members.delete(`${channel}\0${user}`);
    this.lastPost.delete(`${channel}\0${user}`);
    return [{ event: "leave", user, channel }];
  }

  private present(user: string, channel: string): boolean {
    for (const s of this.sessions.values()) if (s.user === user && s.channels.has(channel)) return true;
    return false;
  }
}
