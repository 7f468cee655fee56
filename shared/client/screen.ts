/**
 * Where the chat meets the person: incoming lines, notices, command output,
 * and typed input. A terminal gets a prompt that incoming lines never break
 * (they are printed above it and the half-typed line is redrawn, cursor
 * where it was); anything else gets plain lines, messages on stdout and
 * notices on stderr, so the output can be piped or compared by a script.
 */
import * as readline from "node:readline";
import { ALL } from "../limits.js";
import { channelLabel, type LineParts, type MessageFlags } from "./format.js";
import { pipedLine, styledLine, type Style } from "./style.js";

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

class TerminalScreen implements Screen {
  readonly interactive = true;
  readonly style: Style;
  readonly left: Promise<void>;
  private readonly rl: readline.Interface;
  private readonly typed: AsyncIterator<string>;
  private readonly out: NodeJS.WriteStream;
  private closed = false;

  constructor(o: ScreenOptions) {
    this.style = o.style;
    this.out = o.output as NodeJS.WriteStream;
    this.rl = readline.createInterface({
      input: o.input,
      output: this.out,
      terminal: true,
      historySize: 200,
      removeHistoryDuplicates: true,
      ...(o.completer ? { completer: o.completer } : {}),
    });
    // In raw mode Ctrl-C is a key, not a signal.
    this.rl.on("SIGINT", () => {
      o.onInterrupt?.();
      this.rl.close();
    });
    /* Registered before anyone iterates the lines, so it runs while the screen is still as readline left it. */
    this.rl.on("line", (line: string) => this.submitted(line));
    // Ctrl-D, Ctrl-C or close(): take the prompt away so the goodbye starts a clean line.
    this.left = new Promise((resolve) => this.rl.once("close", () => {
      this.closed = true;
      this.erasePrompt();
      resolve();
    }));
    this.typed = this.rl[Symbol.asyncIterator]();
  }

  message(parts: LineParts, flags: MessageFlags): void {
    this.above(styledLine(parts, flags, this.style));
  }

  notice(text: string): void {
    this.above(this.style.notice(text));
  }

  warning(text: string): void {
    this.above(this.style.warning(text));
  }

  output(lines: string[]): void {
    for (const line of lines) this.above(line);
  }

  setChannel(channel: string): void {
    this.rl.setPrompt(this.style.prompt(`[${channelLabel(channel)}${channel === ALL ? " read-only" : ""}]`) + " ");
    if (!this.closed) this.redraw("");
  }

  lines(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.typed };
  }

  close(): void {
    this.rl.close();
  }

  /** Prints a line above the prompt. */
  private above(text: string): void {
    if (this.closed) this.out.write(`${text}\n`);
    else this.redraw(`${text}\n`);
  }

  /**
   * Clears the prompt and the half-typed input, writes `text` in their
   * place, and has readline draw them again below it, the cursor where it was.
   */
  private redraw(text: string): void {
    const rows = this.erasePrompt();
    /*
     * prompt(true) starts by moving up readline's own count of the rows the
     * cursor is below the prompt's first (a long input wraps). That count
     * goes stale when pasted text wraps; rows of padding make the move land
     * just below `text` either way, and the redraw brings the count up to date.
     */
    const counted = (this.rl as unknown as { prevRows?: number }).prevRows ?? rows;
    this.out.write(text + "\n".repeat(counted));
    this.rl.prompt(true);
  }

  /** Clears the prompt and the input (every row they wrap onto); returns how many rows below its first the cursor was. */
  private erasePrompt(): number {
    const rows = this.rl.getCursorPos().rows;
    readline.moveCursor(this.out, 0, -rows);
    readline.cursorTo(this.out, 0);
    readline.clearScreenDown(this.out);
    return rows;
  }

  /**
   * Enter: readline has echoed the line and moved below it. The line comes
   * back from the server as a message (or is a command), so the echo is
   * taken away and a fresh prompt drawn where it was.
   */
  private submitted(line: string): void {
    readline.moveCursor(this.out, 0, -(rowsBelowPrompt(this.rl, line) + 1));
    this.rl.prompt();
  }
}

/** How many rows below the prompt's first row `line` ends, as readline wrapped it (wide characters included). */
function rowsBelowPrompt(rl: readline.Interface, line: string): number {
  /* getCursorPos() measures the prompt plus the line up to the cursor; a view of rl with another line and cursor reuses that arithmetic without touching rl. */
  const view = Object.create(rl, { line: { value: line }, cursor: { value: line.length } }) as readline.Interface;
  return rl.getCursorPos.call(view).rows;
}
