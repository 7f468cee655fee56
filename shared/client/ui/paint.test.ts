import { test } from "node:test";
import assert from "node:assert/strict";
import { Chalk, type ChalkInstance } from "chalk";
import { loadStyle, PLAIN_CHALK, styleWith } from "./paint.js";

test("without colour, the chalk stand-in returns what chalk at level 0 returns, for every chain the screens paint with", async () => {
  const chalk = new Chalk({ level: 0 });
  const chains: ((c: ChalkInstance) => string)[] = [
    (c) => c.dim("x"), (c) => c.bold(">"), (c) => c.yellow.bold("!"), (c) => c.dim.italic("(edited)"), (c) => c.inverse.bold("kyle"),
    (c) => c.magenta.bold("<<<"), (c) => c.redBright("zoe"), (c) => c.dim(""), (c) => c.bold("a", "b"), (c) => c.dim(`-!- ${"x"}`),
    (c) => c.green(12 as unknown as string), (c) => c.dim.italic.bold("a\nb"),
  ];
  for (const paint of chains) assert.equal(paint(PLAIN_CHALK), paint(chalk), paint.toString());
  assert.equal(PLAIN_CHALK.level, chalk.level);
  const plain = await loadStyle(false);
  const leveled = styleWith(chalk);
  assert.equal(plain.color, false);
  assert.equal(leveled.color, false);
  for (const key of ["notice", "warning", "prompt", "dim", "private", "name"] as const) assert.equal(plain[key]("kyle"), leveled[key]("kyle"), key);
  const colored = await loadStyle(true);
  assert.equal(colored.color, true);
  assert.equal(colored.notice("x"), new Chalk({ level: 1 }).dim("-!- x"));
});
