/**
 * Part 1's one-shot post: send one message, wait for the server's ack,
 * within a bounded time (a dead server is reported, never waited on forever).
 */
import { randomBytes } from "node:crypto";
import { decodePostAck, encodePost, type Kind } from "../protocol/index.js";
import { ReliableRequester } from "../transport/requester.js";
import { nowIso } from "../time.js";
import type { CurveClientKeys } from "../transport/curve.js";
import { waitOutSlowDown } from "./slow-down.js";

/** What to post where, and how long to try. */
export interface PostOnceOptions {
  endpoint: string;
  user: string;
  channel: string;
  body: string;
  kind?: Kind;
  /** Total time allowed, retries included. */
  timeoutMs?: number;
  curve?: CurveClientKeys | undefined;
}

/** Posts once; resolves with the numbers the server gave the message and the time it was posted at (ISO). */
export async function postOnce(o: PostOnceOptions): Promise<{ seq: number; gseq: number; time: string }> {
  const timeoutMs = o.timeoutMs ?? 4000;
  const requester = new ReliableRequester({ endpoint: o.endpoint, attemptMs: Math.min(1500, timeoutMs), curve: o.curve });
  const post = { id: randomBytes(8).toString("hex"), channel: o.channel, user: o.user, time: nowIso(), kind: o.kind ?? "say", body: o.body };
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        const ack = decodePostAck(await requester.request(encodePost(post), { timeoutMs: Math.max(1, deadline - Date.now()) }));
        return { ...ack, time: post.time };
      } catch (err) {
        if (!(await waitOutSlowDown(err, { deadline }))) throw err;
      }
    }
  } finally {
    requester.close();
  }
}
