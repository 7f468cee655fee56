/**
 * How the inbox reads (inbox.ts): private and group messages are message
 * lines (format.ts: `<<<kyle->zoe: hi>>>`, `<<<kyle->GROUP<ops>: hi>>>`);
 * alerts and group notices are `-!-` lines, on stdout beside the messages
 * in plain output (as live edits are), since a script reading them wants
 * them there:
 *
 *   -!- alert "deploy": #dev kyle: deploy at 10      a watched keyword
 *   -!- alert kyle: #dev kyle: deploy at 10          a followed author
 *   -!- kyle added you to ops                        a group notice
 *   -!- kyle sends report.pdf (2.1 MB, sha256 3f2a9c1e) - /get 7    a file offer (transfer-lines.ts)
 *
 * A run's first batch is announced by one line counting what others sent
 * while the account was away: `3 private messages, 2 alerts while you were away`.
 * Bodies were checked by the decoder as channel bodies are (no control characters).
 */
import type { Alert, ConversationMessage, GroupNotice, InboxItem } from "../../protocol/index.js";
import { displayTime } from "../../time.js";
import { mentionSpans, plural, type LineParts, type MessageFlags } from "./format.js";
import type { Screen } from "./screen-types.js";
import type { Style } from "./paint.js";
import { offerText } from "./transfer-lines.js";

/** The parts of a private or group message's line. */
export function conversationParts(m: ConversationMessage): LineParts {
  return { user: m.from, body: m.body, time: displayTime(m.time), action: m.kind === "me", to: { name: m.to, group: m.group === true } };
}

/** The flags of a private or group message for `reader`. */
export function conversationFlags(m: ConversationMessage, reader: string, history: boolean): MessageFlags {
  const own = m.from === reader;
  return { history, own, mentions: own ? [] : mentionSpans(m.body, reader) };
}

/** An alert's text, without the `-!-` mark. */
export function alertText(a: Alert, name: (user: string) => string = (u) => u): string {
  const why = a.keyword !== undefined ? `"${a.keyword}"` : name(a.author!);
  return `alert ${why}: #${a.channel} ${a.kind === "me" ? `* ${name(a.from)} ` : `${name(a.from)}: `}${a.body}`;
}

/** A group notice's text for `reader`, without the `-!-` mark: `kyle added you to ops`. */
export function groupNoticeText(n: GroupNotice, reader: string): string {
  const who = (user: string) => (user === reader ? "you" : user);
  switch (n.event) {
    case "created":
      /* Only members hear of it: the reader is in it. */
      return n.by === reader ? `you created ${n.group}` : `${n.by} created ${n.group} with you in it`;
    case "added":
      return `${who(n.by)} added ${who(n.user)} to ${n.group}`;
    case "removed":
      return `${who(n.by)} removed ${who(n.user)} from ${n.group}`;
    case "left":
      return `${who(n.user)} left ${n.group}`;
    case "owner":
      return n.user === reader ? `you own ${n.group} now` : `${n.user} owns ${n.group} now`;
  }
}

/** The line before what came while away: what others sent, counted; undefined when they sent nothing. */
export function awayLine(items: readonly InboxItem[], reader: string): string | undefined {
  const mine = (i: InboxItem) => (i.type === "msg" || i.type === "file") && i.from === reader;
  const count = (test: (i: InboxItem) => boolean) => items.filter((i) => !mine(i) && test(i)).length;
  const parts = [
    [count((i) => i.type === "msg" && i.group !== true), "private message"],
    [count((i) => i.type === "msg" && i.group === true), "group message"],
    [count((i) => i.type === "alert"), "alert"],
    [count((i) => i.type === "file"), "file offer"],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, noun]) => plural(n, noun));
  return said.length === 0 ? undefined : `${said.join(", ")} while you were away`;
}

/**
 * Shows one inbox item: a message as a message line (a terminal styles it
 * and shows its time); an alert, a file offer or a notice as a `-!-` line,
 * with its time and an alert or an offer in the private colour in a terminal.
 */
export function showInboxItem(screen: Pick<Screen, "interactive" | "message" | "notice" | "output">, item: InboxItem, reader: string, style: Style): void {
  if (item.type === "msg") return screen.message(conversationParts(item), conversationFlags(item, reader, false));
  const time = style.dim(displayTime(item.time));
  if (item.type === "alert") {
    if (screen.interactive) screen.output([`${style.private("-!-")} ${time} ${alertText(item, style.name)}`]);
    else screen.output([`-!- ${alertText(item, style.color ? style.name : undefined)}`]);
    return;
  }
  if (item.type === "file") {
    if (screen.interactive) screen.output([`${style.private("-!-")} ${time} ${offerText(item, reader)}`]);
    else screen.output([`-!- ${offerText(item, reader)}`]);
    return;
  }
  if (screen.interactive) screen.notice(`${time} ${groupNoticeText(item, reader)}`);
  else screen.output([`-!- ${groupNoticeText(item, reader)}`]);
}
