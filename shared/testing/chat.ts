/**
 * What the reliability tests share: the part 4 chat processes, started and
 * read the way a user would, and the checks on what they show.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { run, TIME, type Proc, type ServerProc } from "./processes.js";

export const SERVER = "part4/mc_server.js";
export const CLIENT = "part4/mc_client.js";
/** Part 1's one-shot poster: its `message #N posted at HH:MM:SS` is an ack a test can see. */
export const POST = "part1/post_client.js";

/** Asserts that `out` is post_client's one confirmation line, for message number `n`. */
export function assertPosted(out: string[], n: number, label?: string): void {
  assert.equal(out.length, 1, label ?? out.join("\n"));
  assert.match(out[0]!, new RegExp(`^message #${n} posted at ${TIME}$`), label);
}

/** A chat client's args; --give-up is generous because waiting out an outage is what is under test. */
export const clientArgs = (s: { postPort: string; pubPort: string }, channel: string, name: string, extra: string[] = []) =>
  ["127.0.0.1", s.postPort, s.pubPort, channel, name, "--give-up", "120", ...extra];

/** Starts a client and waits until it follows its channel. */
export async function follow(t: TestContext, s: ServerProc, channel: string, name: string, extra: string[] = []): Promise<Proc> {
  const c = run(t, CLIENT, clientArgs(s, channel, name, extra));
  await c.line(/^connected to /, "err");
  return c;
}

/** A server's ports, free again once it is stopped: for a restart on the same ports. */
export const portsOf = (s: ServerProc): [string, string] => [s.postPort, s.pubPort];

const MESSAGE = new RegExp(` \\(${TIME}\\)$`);

/** A client's message lines (`[#channel ]user: body (time)`) without the time. */
export const messages = (p: Proc) => p.out.filter((l) => MESSAGE.test(l)).map((l) => l.replace(/ \([^()]*\)$/, ""));

/** A store file in a fresh temporary directory, removed after the test. */
export function tempStore(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "chat.db");
}

/** `count` lines `<prefix> 1` to `<prefix> count`, as piped input. */
export const numberedLines = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`).join("\n") + "\n";

/** Asserts that `lines` (ending in `<sender> <n>`) hold each sender's `count` lines exactly once and in order. */
export function assertEachOnceInOrder(lines: string[], senders: string[], count: number, label: string): void {
  assert.equal(lines.length, senders.length * count, `${label}: number of lines`);
  for (const s of senders) {
    const mine = lines.filter((l) => l.includes(`${s}: `)).map((l) => Number(/ (\d+)$/.exec(l)?.[1]));
    assert.deepEqual(mine, Array.from({ length: count }, (_, i) => i + 1), `${label}: ${s}'s lines, each once and in order`);
  }
}
