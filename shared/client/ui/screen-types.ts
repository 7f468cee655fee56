/**
 * What the chat client needs from wherever it shows things and reads typed
 * lines: the Screen interface both screens implement, kept apart from them
 * so that neither screen imports the module that picks between them.
 */
import type { LineParts, MessageFlags } from "./format.js";
import type { Style } from "./paint.js";

/** A screen shows at most this many of the lines not yet taken; the rest it counts. */
export const PENDING_SHOWN = 5;

/** Where the chat meets the person: messages, notices and command output out, typed lines in. */
export interface Screen {
  readonly interactive: boolean;
  readonly style: Style;
  message(parts: LineParts, flags: MessageFlags): void;
  /** A status line: connection state, someone joining, a hint. */
  notice(text: string): void;
  /** A status line about something that went wrong: a refusal, an outage. */
  warning(text: string): void;
  /** A command's answer. */
  output(lines: string[]): void;
  /**
   * The lines typed that the server has not taken yet, while it is away: a
   * terminal shows them dimmed above the prompt until they are delivered
   * (they then arrive as messages); plain output shows nothing. `newest`
   * holds the newest of them (at least PENDING_SHOWN, or all), `total` how
   * many there are in all.
   */
  pending(newest: readonly PendingPost[], total?: number): void;
  /**
   * A running transfer's row (transfers.ts), drawn for the terminal's width:
   * a terminal shows it above the prompt, redrawn a few times a second at
   * most, until it is set to undefined; plain output shows nothing (a line
   * comes when the transfer ends).
   */
  progress(id: string, row: ProgressRow | undefined): void;
  /** The channel posts go to, shown in the prompt. */
  setChannel(channel: string): void;
  /** The conversation typed lines go to (/query), shown in the prompt instead of the channel; undefined: the channel again. */
  setQuery(to: string | undefined): void;
  /**
   * A terminal only: asks for one line without echoing it or keeping it in
   * the line history (a password); undefined if the person leaves instead.
   */
  secret?(prompt: string): Promise<string | undefined>;
  /** Typed lines until end of input, Ctrl-D or Ctrl-C. */
  lines(): AsyncIterable<string>;
  /** Stops reading; a terminal's prompt is taken away and the terminal left as it was. */
  close(): void;
  /**
   * Resolves when the person leaves: Ctrl-C, Ctrl-D or close(). Never at the
   * end of piped input, whose last commands still get their answers.
   */
  readonly left: Promise<void>;
}

/** A typed line on its way to the server. */
export interface PendingPost {
  user: string;
  /** A private or group message's recipient. */
  to?: string;
  body: string;
  kind: "say" | "me";
}

/** What a screen is made from. */
export interface ScreenOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WriteStream | NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
  /** Interactive terminal mode: both ends are TTYs that understand cursor movement. */
  interactive: boolean;
  style: Style;
  completer?: (line: string) => [string[], string];
  /** Ring the terminal's bell when a live message mentions the reader (a terminal only; --no-bell). */
  bell?: boolean;
  /** Ctrl-C in a terminal: the person wants out now, as with SIGINT. The screen closes either way. */
  onInterrupt?: () => void;
}

/**
 * A progress row, drawn by a terminal screen above the prompt: given the
 * terminal's columns and how wide a text shows (string-width, which only a
 * terminal run loads).
 */
export type ProgressRow = (columns: number, width: (text: string) => number) => string;
