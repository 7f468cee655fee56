/**
 * The screen of an interactive terminal: a readline prompt that incoming
 * lines never break. Each line is printed above the prompt, and the prompt
 * is drawn again below it with the half-typed input and the cursor where
 * they were, however many rows the input wraps onto.
 */
import * as readline from "node:readline";
import { ALL } from "../../protocol/limits.js";
import { channelLabel, type LineParts, type MessageFlags } from "./format.js";
import type { Screen, ScreenOptions } from "./screen-types.js";
import { askSecret } from "./secret-prompt.js";
import { styledLine, type Style } from "./style.js";

/** The Screen for a terminal that understands cursor movement. */
export class TerminalScreen implements Screen {
  readonly interactive = true;
  readonly style: Style;
  readonly left: Promise<void>;
  private readonly rl: readline.Interface;
  private readonly typed: AsyncIterator<string>;
  private readonly out: NodeJS.WriteStream;
  private closed = false;
  /* Lines that arrive while a password is asked, shown once it is in. */
  private held: string[] | undefined;

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

  async secret(prompt: string): Promise<string | undefined> {
    if (this.closed) return undefined;
    this.erasePrompt();
    this.held = [];
    const answer = await askSecret(this.rl, this.style.prompt(prompt));
    const held = this.held;
    this.held = undefined;
    // The password's prompt row gives way to what arrived meanwhile, then the chat's prompt.
    const text = held.map((line) => `${line}\n`).join("");
    if (this.closed) this.out.write(text);
    else this.redraw(text);
    return answer;
  }

  lines(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.typed };
  }

  close(): void {
    this.rl.close();
  }

  /** Prints a line above the prompt. */
  private above(text: string): void {
    if (this.held) this.held.push(text);
    else if (this.closed) this.out.write(`${text}\n`);
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
