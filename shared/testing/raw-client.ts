/**
 * Test support: a hand-made client on a raw DEALER socket, for tests that
 * speak the wire protocol directly (refusals, tokens, malformed requests).
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { Dealer, Request } from "zeromq";
import { PATIENCE_MS, type ServerProc } from "./processes.js";

/** A DEALER connected to the server's post port; closed when the test ends. */
export function dealer(t: TestContext, server: ServerProc): Dealer {
  const d = new Dealer({ linger: 0, sendTimeout: PATIENCE_MS, receiveTimeout: PATIENCE_MS });
  d.connect(server.post);
  t.after(() => void (d.closed || d.close()));
  return d;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request and its reply as text; a slow-down is waited out and the request sent again, as clients do. */
export async function ask(d: Dealer, frames: (string | Buffer)[]): Promise<string[]> {
  for (;;) {
    await d.send(["", ...frames]);
    const [, ...reply] = await d.receive();
    const text = reply.map((f) => f.toString("utf8"));
    if (text[1] !== "slow-down") return text;
    await sleep(Number(text[3]));
  }
}

/** A control request ([op, JSON]) and its reply as text. */
export const control = (d: Dealer, op: string, body: object) => ask(d, [op, JSON.stringify(body)]);

/** The JSON of an ok reply (fails the test on any other). */
export function answer(reply: string[]): Record<string, unknown> {
  assert.equal(reply[0], "ok", reply.join(" | "));
  return JSON.parse(reply[1]!) as Record<string, unknown>;
}

/** Sends one request on a fresh REQ socket and returns the reply frames as text. */
export async function request(endpoint: string, frames: string[]): Promise<string[]> {
  const req = new Request({ linger: 0, receiveTimeout: 10_000 });
  req.connect(endpoint);
  try {
    await req.send(frames);
    return (await req.receive()).map((f) => f.toString());
  } finally {
    req.close();
  }
}
