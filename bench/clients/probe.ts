/**
 * Timing single requests: a post's way to a subscriber (latency), and a
 * request's round trip (history).
 */
import { Request, Subscriber } from "zeromq";
import { channelTopic } from "../../shared/protocol/index.js";
import { postMaker } from "./post-frames.js";
import { sleep } from "../lib/stats.js";

/** Field `k` (from 0) of a meta frame "kind epoch seq gseq id user time". */
function metaField(meta: Buffer, k: number): string {
  let start = 0;
  for (let field = 0; field < k; field++) start = meta.indexOf(0x20, start) + 1;
  const end = meta.indexOf(0x20, start);
  return meta.toString("latin1", start, end === -1 ? meta.length : end);
}

/**
 * Posts `count` messages one at a time, `intervalMs` apart, and times each
 * from just before its send to its arrival at this process's subscriber, in
 * microseconds. A message not heard within a second counts as lost.
 */
export async function probeLatency(post: string, pub: string, count: number, intervalMs: number, channel: string) {
  const sub = new Subscriber({ linger: 0 });
  sub.subscribe(channelTopic(channel));
  sub.connect(pub);
  const req = new Request({ linger: 0, receiveTimeout: 5000 });
  req.connect(post);
  const next = postMaker(channel);
  let waiting: { id: string; arrived: () => void } | undefined;
  const listening = (async () => {
    try {
      for await (const [, meta] of sub) {
        if (waiting && metaField(meta!, 4) === waiting.id) waiting.arrived();
      }
    } catch {
      /* closed */
    }
  })();
  /** Posts one message; resolves with its latency in µs, or undefined when it was not heard in time. */
  const once = async (timeoutMs: number): Promise<number | undefined> => {
    const frames = next();
    let timer: NodeJS.Timeout | undefined;
    /* The arrival time is taken as the publication comes in, which may be before the ack. */
    const heard = new Promise<number | undefined>((resolve) => {
      /* The compact post's meta frame starts with the id: "id channel user time kind". */
      waiting = { id: (frames[1] as string).split(" ")[0]!, arrived: () => resolve(performance.now()) };
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const t0 = performance.now();
    await req.send(frames);
    await req.receive();
    const t1 = await heard;
    clearTimeout(timer);
    waiting = undefined;
    return t1 === undefined ? undefined : (t1 - t0) * 1000;
  };
  try {
    /* Until a post is heard the subscription may not be active yet (slow joiner). */
    let synced = false;
    for (let i = 0; i < 100 && !synced; i++) synced = (await once(50)) !== undefined;
    if (!synced) throw new Error("the subscriber never heard a post");
    const samples: number[] = [];
    let lost = 0;
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const us = await once(1000);
      if (us === undefined) lost++;
      else samples.push(us);
      const wait = start + (i + 1) * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
    }
    return { samples, lost };
  } finally {
    req.close();
    sub.close();
    await listening;
  }
}

/** Sends the same request `warmup + count` times and times the last `count` round trips, in µs. */
export async function timeRequests(endpoint: string, frames: string[], count: number, warmup: number) {
  const req = new Request({ linger: 0, receiveTimeout: 10_000 });
  req.connect(endpoint);
  const samples: number[] = [];
  let reply: Buffer[] = [];
  try {
    for (let i = 0; i < warmup + count; i++) {
      const t0 = performance.now();
      await req.send(frames);
      reply = await req.receive();
      if (i >= warmup) samples.push((performance.now() - t0) * 1000);
    }
  } finally {
    req.close();
  }
  return { samples, replyBytes: reply.reduce((n, f) => n + f.length, 0), reply: reply.map((f) => f.toString("utf8")) };
}

/**
 * Posts `count` new messages one at a time, `intervalMs` apart, and times
 * each from its send to its ack (µs): a chat client's round trip.
 */
export async function timePosts(endpoint: string, count: number, intervalMs: number, channel: string) {
  const req = new Request({ linger: 0, receiveTimeout: 10_000 });
  req.connect(endpoint);
  const next = postMaker(channel);
  const samples: number[] = [];
  let refused = 0;
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await req.send(next());
      const [status] = await req.receive();
      samples.push((performance.now() - t0) * 1000);
      if (status!.toString() !== "ok") refused++;
      await sleep(intervalMs);
    }
  } finally {
    req.close();
  }
  return { samples, refused };
}
