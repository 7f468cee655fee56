/**
 * Test support for private and group conversations over raw sockets: an
 * account registered and logged in through the protocol, messages sent,
 * and inbox polls, held or not, each on the DEALER the test chooses (a
 * held poll is sent on a DEALER of its own, as a client does, so that the
 * socket's other replies do not queue behind it).
 */
import type { TestContext } from "node:test";
import type { Dealer } from "zeromq";
import { decodeAnswer, type InboxAnswer } from "../protocol/index.js";
import type { ServerProc } from "./processes.js";
import { answer, control, dealer } from "./raw-client.js";

export const PASSWORD = "correct horse battery staple";

/** Registers `user` and logs it in; its token. */
export async function account(d: Dealer, user: string): Promise<string> {
  answer(await control(d, "register", { user, password: PASSWORD }));
  return answer(await control(d, "login", { user, password: PASSWORD })).token as string;
}

let ids = 0;
/** Sends a private or group message; the reply frames as text. */
export const msg = (d: Dealer, token: string | undefined, to: string, body: string, id = `m${++ids}`) =>
  control(d, "msg", { id, to, body, ...(token === undefined ? {} : { token }) });

/** An inbox request sent now; `reply` resolves with its validated answer (throws on a refusal). */
export async function poll(d: Dealer, token: string, after?: number, waitMs?: number): Promise<{ reply: Promise<string[]>; answer: () => Promise<InboxAnswer> }> {
  await d.send(["", "inbox", JSON.stringify({ token, ...(after === undefined ? {} : { after }), ...(waitMs === undefined ? {} : { waitMs }) })]);
  const reply = d.receive().then(([, ...frames]) => frames.map((f) => f.toString("utf8")));
  return { reply, answer: async () => decodeAnswer("inbox", (await reply).map((f) => Buffer.from(f))) };
}

/** A poll answered at once (waitMs 0). */
export async function inbox(d: Dealer, token: string, after?: number): Promise<InboxAnswer> {
  return (await poll(d, token, after, 0)).answer();
}

/** A client's two sockets: one for requests, one for its held inbox polls. */
export function sockets(t: TestContext, server: ServerProc): { req: Dealer; box: Dealer } {
  return { req: dealer(t, server), box: dealer(t, server) };
}

/** What an inbox answer's items say, one line each: `m from->to: body`, `m group event user by`, `m file offer from->to: name size`. */
export const shown = (a: InboxAnswer) => a.items.map((i) =>
  i.type === "msg" ? `${i.m} ${i.from}->${i.group ? `GROUP<${i.to}>` : i.to} #${i.seq}: ${i.body}`
  : i.type === "group" ? `${i.m} ${i.group} ${i.event} ${i.user} by ${i.by}`
  : i.type === "file" ? `${i.m} file ${i.offer} ${i.from}->${i.group ? `GROUP<${i.to}>` : i.to}: ${i.name} ${i.size}` : `${i.m} alert ${i.body}`);
