/**
 * What the terminal screen must know of readline's drawing that Node does
 * not expose: how many rows below the prompt's first the cursor is. readline
 * keeps that count itself (`prevRows`) and moves up by it before each of its
 * redraws, but it does not count the keys of one chunk of input (a paste, or
 * keys typed faster than they are read), which it writes as they come: a
 * stale count makes its next redraw (a key that moves across rows or edits
 * mid-line, a resize of the window) start too low and leave old rows behind.
 */
import type * as readline from "node:readline";

/** The readline fields used here: public in Node's source, absent from its types. */
interface Internals {
  prevRows?: number;
  line: string;
  cursor: number;
}

/** Brings readline's count up to date and returns it: the rows the cursor is below the prompt's first. */
export function cursorRows(rl: readline.Interface): number {
  const r = rl as unknown as Internals;
  const pos = rl.getCursorPos();
  if ((r.prevRows ?? 0) !== pos.rows) {
    /* Text written up to the last column leaves the cursor on that row until the next character. */
    const pendingWrap = pos.cols === 0 && pos.rows > 0 && r.cursor === r.line.length;
    r.prevRows = pendingWrap ? pos.rows - 1 : pos.rows;
  }
  return r.prevRows ?? 0;
}

/** Tells readline the cursor is on the prompt's first row (so its next redraw starts there). */
export function atPromptRow(rl: readline.Interface): void {
  (rl as unknown as Internals).prevRows = 0;
}

/** How many rows below the prompt's first row `line` ends, as readline wraps it (wide characters included). */
export function rowsBelowPrompt(rl: readline.Interface, line: string): number {
  /* getCursorPos() measures the prompt plus the line up to the cursor; a view of rl with another line and cursor reuses that arithmetic without touching rl. */
  const view = Object.create(rl, { line: { value: line }, cursor: { value: line.length } }) as readline.Interface;
  return rl.getCursorPos.call(view).rows;
}
