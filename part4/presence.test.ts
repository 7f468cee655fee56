/**
 * Presence with real processes: who is listed, since when, and what joins
 * and leaves the others are told about, when clients come and go by pipe
 * and when the server restarts under them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Request } from "zeromq";
import { startServer, type ServerProc } from "../shared/testing/processes.js";
import { SERVER } from "../shared/testing/chat.js";

/** Sends one request on a fresh REQ socket and returns the reply frames as text. */
async function request(endpoint: string, frames: string[]): Promise<string[]> {
  const req = new Request({ linger: 0, receiveTimeout: 10_000 });
  req.connect(endpoint);
  try {
    await req.send(frames);
    return (await req.receive()).map((f) => f.toString());
  } finally {
    req.close();
  }
}

const ask = async (s: ServerProc, op: string, body: object) => {
  const [status, json] = await request(s.post, [op, JSON.stringify(body)]);
  assert.equal(status, "ok", json);
  return JSON.parse(json!) as { users?: { user: string; since: string }[] };
};

test("a hello that reaches the server after its session's bye changes nothing: the session stays gone", async (t) => {
  const server = await startServer(t, SERVER);
  const hello = { session: "late1", user: "ghost", channels: ["dev"] };
  await ask(server, "hello", hello);
  assert.deepEqual((await ask(server, "who", { channel: "dev" })).users!.map((u) => u.user), ["ghost"]);
  await ask(server, "bye", { session: "late1" });
  await ask(server, "hello", hello); // sent before the bye, arriving after it
  assert.deepEqual((await ask(server, "who", { channel: "dev" })).users, []);
});

test("/who's since is when the user joined that channel, not when the session began", async (t) => {
  const server = await startServer(t, SERVER);
  await ask(server, "hello", { session: "s1", user: "amy", channels: ["general"] });
  const [began] = (await ask(server, "who", { channel: "general" })).users!;
  // The clock moves on before the join (no sleep: a wait for the next millisecond).
  while (Date.now() <= Date.parse(began!.since)) await new Promise((r) => setImmediate(r));
  await ask(server, "hello", { session: "s1", user: "amy", channels: ["general", "dev"] });
  const [joined] = (await ask(server, "who", { channel: "dev" })).users!;
  assert.ok(Date.parse(joined!.since) > Date.parse(began!.since), `joined #dev at ${joined!.since}, the session began at ${began!.since}`);
  assert.equal((await ask(server, "who", { channel: "general" })).users![0]!.since, began!.since, "#general keeps its own time");
});
