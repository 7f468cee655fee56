/**
 * What a chat command is: one entry declares its name, arguments, help line,
 * what Tab completes after it, whether it needs part 4's channels, and what
 * it does. The registry (index.ts) derives /help, Tab and dispatch from the
 * entries, so a new command is one new entry in one family's file.
 */
import type { AnswerOf, ControlRequest } from "../../protocol/index.js";
import type { Account } from "../login.js";
import type { Transfers } from "../transfers.js";
import type { Screen } from "../ui/screen-types.js";

/** What Tab can complete besides command names. */
export interface Completions {
  /** Users present or recently heard, the reader's own name excluded. */
  names: readonly string[];
  /** Channels known to exist, for /join and /leave. */
  channels: readonly string[];
  /** Whom /msg and /query can talk to: names known and the reader's groups. */
  conversations: readonly string[];
}

/** One chat command. */
export interface Command {
  /** What follows the "/", in lower case. */
  readonly name: string;
  /** The arguments as /help shows them ("<channel>", "[N]"), or "". */
  readonly args: string;
  /** The rest of its /help line; a function of the reader's name where an example shows it. */
  readonly help: string | ((user: string) => string);
  /** What Tab completes in its argument, if anything. */
  readonly completes?: keyof Completions;
  /** The words Tab completes as its first argument instead (its subcommands: /group's create, add...). */
  readonly words?: readonly string[];
  /** Only where the part has channels (part 4's `multiChannel`); elsewhere it gets a hint saying so. */
  readonly multiChannel?: boolean;
  /** What part 3's client says of it instead, when not that it needs channels (files: part 3's server has no file port). */
  readonly part4Hint?: string;
  /** Does what was typed; `arg` is the rest of the line, trimmed. Resolves "quit" when the person asked to leave. */
  run(c: CommandContext, arg: string): Promise<void | "quit"> | void | "quit";
}

/** The client as its commands see it. */
export interface CommandContext {
  /** The name this client chats under (the account's, as registered, once logged in). */
  readonly user: string;
  /** The account: login state, passwords, account requests. */
  readonly account: Account;
  readonly screen: Screen;
  /** The commands this client offers. */
  readonly available: readonly Command[];
  /** The channel posts go to. */
  current: string;
  /** Whether message lines show their number in their channel (`--numbers`, `/numbers on|off`). */
  numbers: boolean;
  /** Channels (and ALL) followed, in the order joined. */
  followed(): string[];
  /** Follows a channel; resolves once its history is shown, or after a bounded wait. */
  follow(channel: string): Promise<void>;
  unfollow(channel: string): void;
  /** Posts to the current channel, or to the conversation of a /query. */
  post(body: string, kind: "say" | "me"): void;
  /** The account or group typed lines go to (/query), instead of the channel. */
  query: string | undefined;
  /** Sends a private or group message, queued and retried as posts are. */
  send(to: string, body: string, kind: "say" | "me"): void;
  /** Sends a control request; resolves with its validated answer, or undefined once the person has been told why not. */
  ask<R extends ControlRequest>(request: R): Promise<AnswerOf<R["op"]> | undefined>;
  /** Resolves once the posts typed so far are acknowledged and the server has heard this client's hello. */
  settled(): Promise<void>;
  /** Tells the server which channels this client follows now. */
  announce(): void;
  /** File transfers in the background (/send, /get, /files). */
  readonly transfers: Transfers;
  /** Where /get saves files without a directory of its own (--downloads). */
  readonly downloads: string;
  /** What Tab completes: names heard, channels seen, the reader's groups. */
  known: { names: Set<string>; channels: Set<string>; groups: Set<string> };
}
