/**
 * Since a time and who is active (issue 13), with real processes: /since in
 * each of its forms, going by when the server received each message rather
 * than the time a poster's clock claimed; /who's since and idle columns.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import { DateTime } from "luxon";
import { Request } from "zeromq";
import { decodeAnswer, decodePostAck, encodeControl, encodePost } from "../shared/protocol/index.js";
import { PATIENCE_MS, run, runToExit, startServer, TIME, type ServerProc } from "../shared/testing/processes.js";
import { CLIENT, messages, SERVER } from "../shared/testing/chat.js";

/** A raw REQ socket to the server's post port, closed after the test. */
function requester(t: { after(fn: () => void): void }, s: ServerProc) {
  const req = new Request({ linger: 0, receiveTimeout: PATIENCE_MS });
  req.connect(s.post);
  t.after(() => req.close());
  return {
    /** Posts `body` to #dev as kyle, claiming `time`; resolves with the time the server says it received it (ms). */
    async post(body: string, time: DateTime): Promise<number> {
      await req.send(encodePost({ id: `claim-${body.length}-${Date.now()}`, channel: "dev", user: "kyle", time: time.toISO()!, kind: "say", body }));
      const { seq } = decodePostAck(await req.receive());
      await req.send(encodeControl({ op: "history", query: { channel: "dev", after: seq - 1, limit: 1 } }));
      return Date.parse(decodeAnswer("history", await req.receive()).messages[0]!.received!);
    },
  };
}

/** Waits until this machine's clock (the server's too) is past `ms`, so what follows is received later. */
async function pass(ms: number): Promise<void> {
  while (Date.now() <= ms) await turn();
}

/**
 * A fixed-offset zone where it is now about noon, so a time of day typed
 * now is today's whatever the hour in UTC (Etc/GMT-N is N hours east).
 */
function noonZone(): string {
  const offset = 12 - new Date().getUTCHours();
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

test("/since takes 14:00, an ISO date-time, or 2h / 30m ago, and goes by the server's receive time, not the poster's claim", async (t) => {
  const server = await startServer(t, SERVER);
  const zone = noonZone();
  const minute = DateTime.now().setZone(zone).toFormat("HH:mm");
  const req = requester(t, server);
  // Received now, but its poster's clock says an hour from now.
  const first = await req.post("claims an hour later", DateTime.now().plus({ hours: 1 }));
  await pass(first + 1);
  const mark = new Date(first + 1).toISOString();
  // Received after the mark, but its poster's clock says an hour ago.
  const second = await req.post("claims an hour earlier", DateTime.now().minus({ hours: 1 }));
  const end = new Date(second).toISOString();

  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "reader", "--history", "0"],
    `/since 30m\n/since ${mark}\n/since 2h\n/since ${minute}\n/since ${end}\n/since 25:00\n`, { TZ: zone });
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.deepEqual(messages(r.proc), [
    "kyle: claims an hour later", "kyle: claims an hour earlier", // 30m
    "kyle: claims an hour earlier", // after the mark: the first was received before it
    "kyle: claims an hour later", "kyle: claims an hour earlier", // 2h
    "kyle: claims an hour later", "kyle: claims an hour earlier", // since the minute before they were posted, local time
  ]);
  const headers = r.out.filter((l) => /^(Messages|No messages)/.test(l));
  assert.equal(headers.length, 5, r.out.join("\n"));
  for (const h of [headers[0], headers[2]]) assert.match(h!, /^Messages of #dev since \d{2}:\d{2}:\d{2}:$/);
  assert.equal(headers[1], `Messages of #dev since ${DateTime.fromISO(mark).setZone(zone).toFormat("HH:mm:ss")}:`, "the mark shown in local time");
  assert.equal(headers[3], `Messages of #dev since ${minute}:00:`, "a time of day is today's, local time");
  assert.equal(headers[4], `No messages in #dev since ${DateTime.fromISO(end).setZone(zone).toFormat("HH:mm:ss")}.`);
  assert.deepEqual(r.err.filter((l) => l.includes("/since")), ["'25:00' is not a time of day: /since takes 14:00 (today), an ISO date-time like 2026-01-31T14:00, or 2h / 30m ago"]);
});

test("a long /since comes in pages: 1,000 messages, then a line saying /since more shows the rest", async (t) => {
  const server = await startServer(t, SERVER, ["--rate", "0"]);
  const req = new Request({ linger: 0, receiveTimeout: PATIENCE_MS });
  req.connect(server.post);
  t.after(() => req.close());
  for (let i = 1; i <= 1003; i++) {
    await req.send(encodePost({ id: `bulk-${i}`, channel: "dev", user: "kyle", time: DateTime.now().toISO()!, kind: "say", body: `line ${i}` }));
    decodePostAck(await req.receive());
  }
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "reader", "--history", "0", "--numbers"], "/since 1h\n/since more\n/since more\n");
  assert.equal(r.code, 0, r.err.join("\n"));
  const lines = messages(r.proc);
  assert.deepEqual(lines, Array.from({ length: 1003 }, (_, i) => `#${i + 1} kyle: line ${i + 1}`), "each message once, in order");
  const notes = r.out.filter((l) => !new RegExp(` \\(${TIME}\\)$`).test(l)).map((l) => l.replace(new RegExp(`since ${TIME}`), "since …"));
  assert.deepEqual(notes, [
    "Messages of #dev since …:",
    "... more messages of #dev since …: /since more shows the next",
    "More messages of #dev since …:",
  ]);
  assert.deepEqual(r.err.filter((l) => l.includes("/since")), ["nothing more to show: /since <time> first"]);
});

test("/who shows since when each person is in the channel and how long idle, after /join; in ALL, every channel", async (t) => {
  const server = await startServer(t, SERVER);
  const dana = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "dana", "--history", "0"]);
  await dana.line(/^connected to /, "err");
  dana.write("hi\n");
  await dana.line(/^dana: hi /);
  const kyle = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "ops", "kyle", "--history", "0"], "/join dev\n/who\n");
  assert.equal(kyle.code, 0, kyle.err.join("\n"));
  const row = (name: string, you = "") => new RegExp(`^ {2}${name} +since \\d{2}:\\d{2} {2}idle \\d+[sm]${you}$`);
  const who = kyle.out.slice(kyle.out.indexOf("2 people in #dev:") + 1);
  assert.equal(who.length, 2, kyle.out.join("\n"));
  assert.match(who.find((l) => l.includes("dana"))!, row("dana"));
  assert.match(who.find((l) => l.includes("kyle"))!, row("kyle", " \\(you\\)"));

  const all = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "ALL", "watcher", "--history", "0"], "/who\n");
  assert.equal(all.code, 0, all.err.join("\n"));
  assert.equal(all.out[0], "2 people in ALL (every channel):", all.out.join("\n"));
  assert.match(all.out.find((l) => l.includes("dana"))!, row("dana"));
  assert.match(all.out.find((l) => l.includes("watcher"))!, row("watcher", " \\(you\\)"));
  dana.end();
  assert.equal(await dana.exit, 0);
});
