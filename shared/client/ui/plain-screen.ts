/**
 * The screen of anything but an interactive terminal: plain lines, messages
 * and command answers on stdout, notices on stderr, so the output can be
 * piped or compared by a script.
 */
import * as readline from "node:readline";
import type { LineParts } from "./format.js";
import type { Screen, ScreenOptions } from "./screen-types.js";
import { pipedLine, type Style } from "./paint.js";

/** The Screen for pipes, files and dumb terminals. */
export class PlainScreen implements Screen {
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

  pending(): void {}

  progress(): void {}

  setChannel(): void {}

  setQuery(): void {}

  lines(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.typed };
  }

  close(): void {
    this.rl.close();
    this.leave();
  }
}
