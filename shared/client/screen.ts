/**
 * Where the chat meets the person: incoming lines, notices, command output,
 * and typed input. A terminal gets a prompt that incoming lines never break
 * (they are printed above it and the half-typed line is redrawn, cursor
 * where it was); anything else gets plain lines, messages on stdout and
 * notices on stderr, so the output can be piped or compared by a script.
 */
import * as readline from "node:readline";
import type { LineParts, MessageFlags } from "./format.js";
import { pipedLine, type Style } from "./style.js";
import { TerminalScreen } from "./terminal-screen.js";

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
  /** The channel posts go to, shown in the prompt. */
  setChannel(channel: string): void;
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

export interface ScreenOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WriteStream | NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
  /** Interactive terminal mode: both ends are TTYs that understand cursor movement. */
  interactive: boolean;
  style: Style;
  completer?: (line: string) => [string[], string];
  /** Ctrl-C in a terminal: the person wants out now, as with SIGINT. The screen closes either way. */
  onInterrupt?: () => void;
}

export function createScreen(options: ScreenOptions): Screen {
  return options.interactive ? new TerminalScreen(options) : new PlainScreen(options);
}

class PlainScreen implements Screen {
  readonly interactive = false;
  readonly style: Style;
  readonly left: Promise<void>;
  private leave: () => void = () => {};
  private readonly rl: readline.Interface;
  /* Iterated from the start, so that no line read before the client loops over them is lost. */
  private readonly typed: AsyncIterator<string>;

  constructor(private readonly o: ScreenOptions) {
    this.style = o.style;
    this.left = new Promise((resolve) => (this.leave = resolve));
    this.rl = readline.createInterface({ input: o.input, terminal: false, crlfDelay: Infinity });
    this.typed = this.rl[Symbol.asyncIterator]();
  }

  message(parts: LineParts): void {
    this.o.output.write(`${pipedLine(parts, this.style)}\n`);
  }

  notice(text: string): void {
    this.o.errors.write(`${text}\n`);
  }

  warning(text: string): void {
    this.o.errors.write(`${text}\n`);
  }

  output(lines: string[]): void {
    if (lines.length > 0) this.o.output.write(`${lines.join("\n")}\n`);
  }

  setChannel(): void {}

  lines(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.typed };
  }

  close(): void {
    this.rl.close();
    this.leave();
  }
}
