/**
 * Presence operations: `hello` (a session's user and channels, refreshed
 * every presenceMs / 3), `bye`, and `who` (the users of a channel, since
 * when, and their last post there).
 */
import type { HelloAnswer, WhoAnswer } from "../../protocol/index.js";
import type { ControlHandlers } from "./context.js";
import { POST_WINDOW } from "../../protocol/limits.js";

/** The presence family's operations, on the server's PresenceTable. */
export const handlers: ControlHandlers<"hello" | "bye" | "who"> = {
  hello({ hello }, c) {
    const answer: HelloAnswer = {
      epoch: c.log.epoch, heartbeatMs: c.heartbeatMs, presenceMs: Math.floor(c.presenceMs / 3), accounts: c.accounts.mode,
      ...(c.filePort === undefined ? {} : { filePort: c.filePort }),
      posts: 2, // takes "post2" as well as "post" (ops/chat.ts)
      window: POST_WINDOW, // posts in flight at once, kept in order (pipeline.ts, post-order.ts)
    };
    return { answer, events: c.presence.hello(hello, c.now) };
  },
  bye({ session }, { presence }) {
    return { answer: {}, events: presence.bye(session) };
  },
  who({ channel }, { presence }) {
    const answer: WhoAnswer = {
      users: presence.who(channel).map((u) => ({ user: u.user, since: new Date(u.since).toISOString(), active: new Date(u.active).toISOString() })),
    };
    return { answer, events: [] };
  },
};
