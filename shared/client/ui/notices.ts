/**
 * The status lines the interactive clients show for what their feed
 * reports: connecting, following a channel, the server going quiet and
 * coming back, people joining and leaving. Piped output carries them on
 * stderr, word for word, so scripts can wait for them.
 */
import { ALL } from "../../protocol/limits.js";
import { displayTime } from "../../time.js";
import type { FeedNotice } from "../feed/feed.js";
import { channelLabel, plural } from "./format.js";
import type { Screen } from "./screen-types.js";
import type { Style } from "./paint.js";

/** What a notice's wording depends on. */
export interface NoticeContext {
  pub: string;
  user: string;
  interactive: boolean;
  /** Whether the first channel is shown already (later "ready" notices are /join's). */
  ready: boolean;
  /** The channel posts go to. */
  current: string;
  /** Whether the connection uses CURVE (--server-key). */
  encrypted?: boolean;
  style: Style;
}

/** A status line to show. */
export interface NoticeLine {
  text: string;
  /** Something went wrong, rather than news. */
  warning: boolean;
}

/** The line a feed notice shows, if any. */
export function noticeLine(n: FeedNotice, c: NoticeContext): NoticeLine | undefined {
  const info = (text: string): NoticeLine => ({ text, warning: false });
  const warn = (text: string): NoticeLine => ({ text, warning: true });
  switch (n.type) {
    case "ready": {
      // Where history ends, right after its lines: the one marking plain output has (a terminal also dims them).
      const history = n.history === 0 ? "" : `; the ${n.history === 1 ? "message above is" : `${n.history} messages above are`} history`;
      if (c.ready) {
        if (n.channel === ALL) return info(`now following ALL (read-only: every channel's messages)${history}`);
        return info(`now following #${n.channel}${history}${n.channel === c.current ? "; your posts go there" : ""}`);
      }
      return info(`connected to ${c.pub}${c.encrypted ? " (encrypted)" : ""} as ${c.user} in ${channelLabel(n.channel)}${n.channel === ALL ? " (read-only: every channel)" : ""}${history}${c.interactive ? "; /help lists the commands" : ""}`);
    }
    case "silent":
      return c.ready
        ? warn(`no heartbeat from the server since ${displayTime(new Date(n.sinceMs).toISOString())}; messages may be delayed`)
        : warn(`waiting for the server at ${c.pub} ...`);
    case "back":
      return c.ready ? info("the server's heartbeat is back") : undefined;
    case "restarted":
      // What the client knows, no guess at why (a restart without a store, or onto another store).
      return warn("the server's message numbering started over (a new epoch)");
    case "lost":
      return warn(`${plural(n.count, "message")} of ${channelLabel(n.channel)} could not be recovered from the server`);
    case "presence":
      if (n.presence.user === c.user) return undefined;
      return info(`${c.style.name(n.presence.user)} ${n.presence.event === "join" ? "joined" : "left"} #${n.presence.channel}`);
  }
}

/** How many names the line of who is here lists before "and N more". */
const PRESENT_MAX = 20;

/** On joining, as IRC does: who is in `channel` already, the reader aside. */
export function presentLine(channel: string, users: readonly string[], style: Style): string {
  if (users.length === 0) return `nobody else is in ${channelLabel(channel)}`;
  const shown = users.slice(0, PRESENT_MAX).map((u) => style.name(u)).join(", ");
  return `in ${channelLabel(channel)}: ${shown}${users.length > PRESENT_MAX ? `, and ${users.length - PRESENT_MAX} more` : ""}`;
}

/** Shows a feed notice's line, if it has one: as a warning when something went wrong. */
export function showNotice(screen: Screen, n: FeedNotice, c: NoticeContext): void {
  const line = noticeLine(n, c);
  if (line?.warning) screen.warning(line.text);
  else if (line) screen.notice(line.text);
}
