/**
 * A password prompt on a terminal's readline: the prompt is shown, the
 * typed characters are not (nor anything readline redraws while they are
 * typed), and the line never joins the Up/Down history.
 */
import type * as readline from "node:readline";

/* What readline keeps as plain properties: where it writes, and how many lines it remembers. */
interface Writable {
  output: NodeJS.WriteStream;
  historySize: number;
}

/**
 * Asks `prompt` on `rl` and resolves with the line typed, unseen;
 * undefined if readline closes first (Ctrl-C, Ctrl-D). The cursor is left
 * at the end of the prompt's row.
 */
export function askSecret(rl: readline.Interface, prompt: string): Promise<string | undefined> {
  const r = rl as unknown as Writable;
  const { output, historySize } = r;
  return new Promise((resolve) => {
    const done = (answer: string | undefined) => {
      r.output = output;
      r.historySize = historySize;
      rl.off("close", closed);
      resolve(answer);
    };
    const closed = () => done(undefined);
    rl.once("close", closed);
    rl.question(prompt, (answer) => done(answer));
    /*
     * From here until the answer readline writes into nothing: the prompt
     * above stays, while echoes, redraws and completions vanish. The muted
     * stream still reports the terminal's size, which readline reads.
     */
    r.output = Object.create(output, { write: { value: () => true } }) as NodeJS.WriteStream;
    r.historySize = 0;
  });
}
