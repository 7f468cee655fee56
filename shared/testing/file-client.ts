/**
 * Test support for the file port over raw DEALER sockets: requests and
 * their replies as frames, and an upload and a download that keep a
 * window of requests in flight the way a client does (replies come in the
 * order of the requests), with a way to send only some chunks or spoil one.
 */
import { createHash } from "node:crypto";
import type { TestContext } from "node:test";
import { Dealer } from "zeromq";
import {
  CHUNK_BYTES, chunkCount, decodeFileAnswer, encodeFileRequest, type FileAnswerOf, type FileOp, type FileRequest, type OfferAnswer,
} from "../protocol/index.js";
import { PATIENCE_MS, type ServerProc } from "./processes.js";

export const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A DEALER connected to the server's file port; closed when the test ends. */
export function fileDealer(t: TestContext, server: ServerProc): Dealer {
  if (!server.files) throw new Error("this server announced no file port");
  const d = new Dealer({ linger: 0, sendTimeout: PATIENCE_MS, receiveTimeout: PATIENCE_MS });
  d.connect(server.files);
  t.after(() => void (d.closed || d.close()));
  return d;
}

/** One request and its reply frames (without the delimiter). */
export async function fileAsk(d: Dealer, request: FileRequest | (string | Buffer)[]): Promise<Buffer[]> {
  await d.send(["", ...(Array.isArray(request) ? request : encodeFileRequest(request))]);
  const [, ...reply] = await d.receive();
  return reply;
}

/** A request's validated answer; a refusal throws RejectedError (code, reason). */
export async function fileAnswer<K extends FileOp>(d: Dealer, request: FileRequest & { op: K }): Promise<FileAnswerOf<K>> {
  return decodeFileAnswer(request.op, await fileAsk(d, request));
}

/** A refusal's frames as text: [err, code, sentence]. */
export const asText = (frames: Buffer[]) => frames.map((f) => f.toString("utf8"));

/** Chunk `index` of `data`. */
export const chunkOf = (data: Buffer, index: number) => data.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);

/** The chunk indices of ranges [first, last]. */
export const indices = (ranges: [number, number][]) => ranges.flatMap(([f, l]) => Array.from({ length: l - f + 1 }, (_, i) => f + i));

export interface UploadOptions {
  window?: number;
  /** Only these chunks of what is missing are sent (a transfer cut short). */
  only?: (index: number) => boolean;
}

/**
 * Sends a request for each chunk index of `queue` with at most `window` in
 * flight on `d`, and hands each reply to `answered` with its index (replies
 * come in the order of the requests); a slow-down puts its index back at
 * the front after the wait it names.
 */
async function windowed(d: Dealer, queue: number[], window: number, request: (index: number) => (string | Buffer)[], answered: (index: number, reply: Buffer[]) => void): Promise<void> {
  const sent: number[] = [];
  while (queue.length > 0 || sent.length > 0) {
    while (queue.length > 0 && sent.length < window) {
      const index = queue.shift()!;
      await d.send(["", ...request(index)]);
      sent.push(index);
    }
    const [, ...reply] = await d.receive();
    const index = sent.shift()!;
    if (reply[0]?.toString() === "err" && reply[1]?.toString() === "slow-down") {
      await sleep(Number(reply[3]));
      queue.unshift(index);
      continue;
    }
    answered(index, reply);
  }
}

/**
 * Offers `data` and puts what is missing with `window` puts in flight;
 * the offer's number once complete (undefined when `only` held some back),
 * and the offer's first answer.
 */
export async function upload(d: Dealer, token: string, to: string, name: string, data: Buffer, o: UploadOptions = {}): Promise<{ offer: number | undefined; first: OfferAnswer }> {
  const first = await fileAnswer(d, { op: "offer", token, to, name, size: data.length, sha256: sha256(data) });
  if (first.offer !== undefined) return { offer: first.offer, first };
  let offer: number | undefined;
  await windowed(d, indices(first.missing).filter(o.only ?? (() => true)), o.window ?? 8, (index) => {
    const bytes = chunkOf(data, index);
    return encodeFileRequest({ op: "put", token, upload: first.upload, index, sha256: sha256(bytes), bytes });
  }, (index, reply) => {
    const a = decodeFileAnswer("put", reply);
    if (a.index !== index) throw new Error(`put ${index} answered as ${a.index}`);
    if (a.offer !== undefined) offer = a.offer;
  });
  return { offer, first };
}

/** Downloads offer `offer` with `window` fetches in flight, checking each chunk; the file's bytes. */
export async function download(d: Dealer, token: string, offer: number, window = 8): Promise<Buffer> {
  const info = await fileAnswer(d, { op: "get", token, offer });
  const parts: Buffer[] = [];
  await windowed(d, Array.from({ length: chunkCount(info.size) }, (_, i) => i), window, (index) => encodeFileRequest({ op: "fetch", token, offer, index }), (index, reply) => {
    const a = decodeFileAnswer("fetch", reply);
    if (a.index !== index || sha256(a.bytes) !== a.sha256) throw new Error(`chunk ${index} arrived wrong`);
    parts[index] = a.bytes;
  });
  return Buffer.concat(parts);
}
