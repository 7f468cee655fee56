/**
 * The screen of anything but an interactive terminal: plain lines, messages
 * and command answers on stdout, notices on stderr, so the output can be
 * piped or compared by a script. Stdout is written in batches (line-output.ts),
 * flushed before every stderr line so that the two keep their order; a reader
 * that goes away (`| head`) ends the input as Ctrl-D would.
 */
import * as readline from "node:readline";
import type { LineParts } from "./format.js";
import type { Screen, ScreenOptions } from "./screen-types.js";
import { pipedLine, type Style } from "./paint.js";
import { LineOutput, quietOnError } from "./line-output.js";

/** The Screen for pipes, files and dumb terminals. */
export class PlainScreen implements Screen {
  readonly interactive = false;
  readonly style: Style;
  readonly left: Promise<void>;
  private leave: () => void = () => {};
  private readonly rl: readline.Interface;
  /* Iterated from the start, so that no line read before the client loops over them is lost. */
  private readonly typed: AsyncIterator<string>;
  private readonly out: LineOutput;
  /* Closed: lines still coming (the last messages) are written at once, before the client's last stderr lines. */
  private closed = false;

  constructor(private readonly o: ScreenOptions) {
    this.style = o.style;
    this.out = new LineOutput(o.output, () => this.close());
    quietOnError(o.errors);
    this.left = new Promise((resolve) => (this.leave = resolve));
    this.rl = readline.createInterface({ input: o.input, terminal: false, crlfDelay: Infinity });
    this.typed = this.rl[Symbol.asyncIterator]();
  }

  message(parts: LineParts): void {
    this.print(`${pipedLine(parts, this.style)}\n`);
  }

  notice(text: string): void {
    this.out.flush();
    this.o.errors.write(`${text}\n`);
  }

  warning(text: string): void {
    this.out.flush();
    this.o.errors.write(`${text}\n`);
  }

  output(lines: string[]): void {
    if (lines.length > 0) this.print(`${lines.join("\n")}\n`);
  }

  pending(): void {}

  progress(): void {}

  setChannel(): void {}

  setQuery(): void {}

  lines(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.typed };
  }

  close(): void {
    this.closed = true;
    this.out.flush();
    this.rl.close();
    this.leave();
  }

  private print(text: string): void {
    this.out.write(text);
    if (this.closed) this.out.flush();
  }
}
