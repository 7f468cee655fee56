/**
 * The answers to control requests (history, hello, bye, who, channels): what
 * the server knows, read from the store and the presence table. Presence
 * changes come back as events for the server to publish.
 */
import type { ChannelsAnswer, ControlRequest, HelloAnswer, HistoryAnswer, PresenceEvent, WhoAnswer } from "../protocol/index.js";
import { ALL } from "../protocol/limits.js";
import type { Presence } from "./presence.js";
import type { Store } from "./store.js";

export interface ControlContext {
  store: Store;
  presence: Presence;
  heartbeatMs: number;
  /** A session silent this long is forgotten; clients refresh at a third of it. */
  presenceMs: number;
  now: number;
}

/** Answers one control request; `events` are the joins and leaves it caused. */
export function answerControl(request: ControlRequest, c: ControlContext): { answer: object; events: PresenceEvent[] } {
  const { store, presence } = c;
  switch (request.op) {
    case "history": {
      const { channel, after, limit } = request.query;
      const head = channel === ALL ? store.gseq : store.head(channel);
      const answer: HistoryAnswer = { epoch: store.epoch, head, messages: store.history(channel, after, limit) };
      return { answer, events: [] };
    }
    case "hello": {
      const answer: HelloAnswer = { epoch: store.epoch, heartbeatMs: c.heartbeatMs, presenceMs: Math.floor(c.presenceMs / 3) };
      return { answer, events: presence.hello(request.hello, c.now) };
    }
    case "bye":
      return { answer: {}, events: presence.bye(request.session) };
    case "who": {
      const answer: WhoAnswer = {
        users: presence.who(request.channel).map((u) => ({ user: u.user, since: new Date(u.since).toISOString() })),
      };
      return { answer, events: [] };
    }
    case "channels": {
      const users = presence.counts();
      const names = new Map(store.channels().map((ch) => [ch.name, ch.messages]));
      for (const ch of users.keys()) if (ch !== ALL && !names.has(ch)) names.set(ch, 0);
      const answer: ChannelsAnswer = {
        channels: [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, messages]) => ({ name, messages, users: users.get(name) ?? 0 })),
      };
      return { answer, events: [] };
    }
  }
}
