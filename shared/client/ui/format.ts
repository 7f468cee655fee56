/**
 * How a message reads, before any colour. Plain lines are the assignment's
 * `username: message (time)`; `#channel ` goes in front where more than one
 * channel is visible, then `#12 ` (its number in its channel) with numbers
 * on; an action reads `* username waves (time)`. An edited message ends in
 * `(edited)`, a deleted one reads `username: (deleted)`. A private message
 * reads `<<<kyle->zoe: hi>>>`, a group message `<<<kyle->GROUP<ops>: hi>>>`,
 * an action in either `<<<kyle->zoe: * kyle waves>>>` (no time: the form
 * the related systems print).
 */
import type { ChatMessage } from "../../protocol/index.js";
import { ALL } from "../../protocol/limits.js";
import { displayTime } from "../../time.js";

/** The pieces of a message's line, before any colour. */
export interface LineParts {
  channel?: string | undefined;
  user: string;
  body: string;
  time: string;
  action: boolean;
  /** Its number in its channel, shown with numbers on (`--numbers`, `/numbers on`). */
  number?: number | undefined;
  /** Edited since it was posted (the body is the current text), or deleted (the body is empty). */
  mark?: "edited" | "deleted" | undefined;
  /** A private message's recipient, or a group message's group: not a channel's line. */
  to?: { name: string; group: boolean } | undefined;
}

/** How a message relates to the person reading it. */
export interface MessageFlags {
  /** Shown from the server's history rather than live. */
  history: boolean;
  /** Posted under the reader's own name. */
  own: boolean;
  /** Where the body names the reader; empty when it does not (or when the reader wrote it). */
  mentions: readonly Span[];
  /** Posted under a free name, not by an account, where the server has accounts: a terminal marks the name with a dim `~`. */
  free?: boolean;
}

/** The flags of a message for `reader`; `marksFree` when the server has accounts (its hello answer said so). */
export function messageFlags(m: ChatMessage, reader: string, history: boolean, marksFree = false): MessageFlags {
  const own = m.user === reader;
  return { history, own, mentions: own ? [] : mentionSpans(m.body, reader), ...(marksFree && m.account !== true ? { free: true } : {}) };
}

/** The parts of a message's line; `showChannel` adds its channel, `numbers` its number. */
export function lineParts(m: ChatMessage, showChannel: boolean, numbers = false): LineParts {
  const mark = m.deleted ? "deleted" : m.edited ? "edited" : undefined;
  return {
    channel: showChannel ? m.channel : undefined, user: m.user, body: m.body, time: displayTime(m.time), action: m.kind === "me",
    ...(numbers ? { number: m.seq } : {}), ...(mark ? { mark } : {}),
  };
}

/** What goes before the name: the channel where several are visible, the number with numbers on. */
export function linePrefix(p: LineParts): string {
  return (p.channel === undefined ? "" : `#${p.channel} `) + (p.number === undefined ? "" : `#${p.number} `);
}

/** The text after the name: the body, `(deleted)` in its place, or the body then `(edited)`. */
export function markedBody(p: LineParts, mark: (text: string) => string = (text) => text): string {
  if (p.mark === "deleted") return mark("(deleted)");
  return p.mark === "edited" ? `${p.body} ${mark("(edited)")}` : p.body;
}

/** Whom a private or group line went to: `zoe`, or `GROUP<ops>`. */
export function recipient(to: { name: string; group: boolean }): string {
  return to.group ? `GROUP<${to.name}>` : to.name;
}

/** A message as one plain line (newlines in the body are kept). */
export function plainLine(p: LineParts): string {
  if (p.to) return `<<<${p.user}->${recipient(p.to)}: ${p.action ? `* ${p.user} ` : ""}${p.body}>>>`;
  const where = linePrefix(p);
  const body = markedBody(p);
  return p.action ? `${where}* ${p.user} ${body} (${p.time})` : `${where}${p.user}: ${body} (${p.time})`;
}

/** How a channel is named to a person: `#dev`, but ALL is not a channel. */
export function channelLabel(channel: string): string {
  return channel === ALL ? ALL : `#${channel}`;
}

/** A count with its noun: `1 message`, `3 messages`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A [start, end) range of characters in a string. */
export type Span = readonly [number, number];

/**
 * Where `body` names `user` as a whole word, case-insensitively ("kyle",
 * "@kyle", "Kyle:" but not "kyleigh"): the spans a terminal highlights.
 */
export function mentionSpans(body: string, user: string): Span[] {
  if (user === "") return [];
  const re = mentionPattern(user);
  /* Most lines name nobody: one test, no iterator or array for them (matchAll starts where test left lastIndex). */
  re.lastIndex = 0;
  const any = re.test(body);
  re.lastIndex = 0;
  if (!any) return [];
  return [...body.matchAll(re)].map((m) => [m.index, m.index + m[0].length] as const);
}

/* The reader's name changes rarely (a login): its pattern is built once, not per message. */
let mentioned: { user: string; re: RegExp } | undefined;

function mentionPattern(user: string): RegExp {
  if (mentioned?.user !== user) {
    const escaped = user.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    mentioned = { user, re: new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, "giu") };
  }
  return mentioned.re;
}
