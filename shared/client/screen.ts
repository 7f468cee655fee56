/**
 * Where the chat meets the person: incoming lines, notices, command output,
 * and typed input. A terminal gets a prompt that incoming lines never break
 * (they are printed above it and the half-typed line is redrawn); anything
 * else gets plain lines, messages on stdout and notices on stderr, so the
 * output can be piped or compared by a script.
 */
import * as readline from "node:readline";
import type { LineParts } from "./format.js";
import { plainLine } from "./format.js";
import { styledLine, type Style } from "./style.js";

export interface MessageFlags {
  history: boolean;
  own: boolean;
  mention: boolean;
}

export interface Screen {
  readonly interactive: boolean;
  message(parts: LineParts, flags: MessageFlags): void;
  /** A status line: connection state, a refusal, a hint. */
  notice(text: string): void;
  /** A command's answer. */
  output(lines: string[]): void;
  /** The channel posts go to, shown in the prompt. */
  setChannel(channel: string): void;
  /** Typed lines until end of input, Ctrl-D or Ctrl-C. */
  lines(): AsyncIterable<string>;
  close(): void;
}

export interface ScreenOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WriteStream | NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
  /** Interactive terminal mode: both ends are TTYs. */
  interactive: boolean;
  style: Style;
  completer?: (line: string) => [string[], string];
}

export function createScreen(options: ScreenOptions): Screen {
  return options.interactive ? new TerminalScreen(options) : new PlainScreen(options);
}

class PlainScreen implements Screen {
  readonly interactive = false;
  private readonly rl: readline.Interface;

  constructor(private readonly o: ScreenOptions) {
    this.rl = readline.createInterface({ input: o.input, terminal: false, crlfDelay: Infinity });
  }

  message(parts: LineParts): void {
    this.o.output.write(`${plainLine(parts)}\n`);
  }

  notice(text: string): void {
    this.o.errors.write(`${text}\n`);
  }

  output(lines: string[]): void {
    if (lines.length > 0) this.o.output.write(`${lines.join("\n")}\n`);
  }

  setChannel(): void {}

  lines(): AsyncIterable<string> {
    return this.rl;
  }

  close(): void {
    this.rl.close();
  }
}

class TerminalScreen implements Screen {
  readonly interactive = true;
  private readonly rl: readline.Interface;
  private readonly out: NodeJS.WriteStream;

  constructor(private readonly o: ScreenOptions) {
    this.out = o.output as NodeJS.WriteStream;
    this.rl = readline.createInterface({
      input: o.input,
      output: this.out,
      terminal: true,
      historySize: 200,
      ...(o.completer ? { completer: o.completer } : {}),
    });
    // Ctrl-C leaves like /quit instead of killing the process mid-write.
    this.rl.on("SIGINT", () => this.rl.close());
  }

  message(parts: LineParts, flags: MessageFlags): void {
    this.above(styledLine(parts, flags, this.o.style));
  }

  notice(text: string): void {
    this.above(this.o.style.notice(`-!- ${text}`));
  }

  output(lines: string[]): void {
    for (const line of lines) this.above(line);
  }

  setChannel(channel: string): void {
    this.rl.setPrompt(this.o.style.prompt(`[#${channel}] `));
    this.rl.prompt(true);
  }

  lines(): AsyncIterable<string> {
    const rl = this.rl;
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        rl.prompt();
        for await (const line of rl) {
          // The typed line stays on screen in readline's echo; the post comes back from the server.
          readline.moveCursor(self.out, 0, -1);
          readline.clearLine(self.out, 0);
          yield line;
          rl.prompt(true);
        }
      },
    };
  }

  close(): void {
    this.rl.close();
  }

  /**
   * Prints a line above the prompt: clear the prompt line, write the text,
   * then redraw the prompt with the half-typed input and the cursor where
   * they were (readline's prompt(true) keeps both).
   */
  private above(text: string): void {
    readline.cursorTo(this.out, 0);
    readline.clearLine(this.out, 0);
    this.out.write(`${text}\n`);
    this.rl.prompt(true);
  }
}
