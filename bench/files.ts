/**
 * Files (issue 14): a 100 MB file uploaded to mc_server's file port and
 * downloaded again, 60 KiB chunks with 8 in flight, as mc_client moves them
 * (bench/../shared/testing/file-client.ts speaks the same window), next to
 * a bare zeromq.js copy of the same bytes the same way
 * (bench/servers/bare-files.js: no tokens, hashes or bookkeeping). Then a
 * chat post's round trip (send to ack, another process) alone and while
 * the 100 MB upload runs, in the same run. mc_server runs with
 * --file-rate 0: the transfer rate limit off, to see what the path costs.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Dealer } from "zeromq";
import { CHUNK_BYTES, chunkCount } from "../shared/protocol/index.js";
import { download, upload } from "../shared/testing/file-client.js";
import { startServer, startWorker, type Server } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { percentiles } from "./lib/stats.js";
import { account } from "./clients/private.js";

export interface FilesOptions {
  megabytes: number;
  window: number;
  /** Post round trips timed alone, and as many during the upload. */
  posts: number;
  intervalMs: number;
  tmpDir: string;
}

const PASSWORD = "bench password 1234";
const MB = 1e6;

function fileDealer(endpoint: string): Dealer {
  const d = new Dealer({ linger: 0, receiveTimeout: 60_000, sendTimeout: 60_000 });
  d.connect(endpoint);
  return d;
}

/** The bare copy: puts (or fetches) every chunk of `data` with `window` in flight; seconds taken. */
async function bareCopy(endpoint: string, data: Buffer, window: number, op: "put" | "fetch"): Promise<number> {
  const d = fileDealer(endpoint);
  const chunks = chunkCount(data.length);
  const t0 = performance.now();
  try {
    let next = 0;
    let inFlight = 0;
    for (let done = 0; done < chunks; done++) {
      while (inFlight < window && next < chunks) {
        const index = String(next);
        await d.send(op === "put" ? ["", "put", index, data.subarray(next * CHUNK_BYTES, (next + 1) * CHUNK_BYTES)] : ["", "fetch", index]);
        next++;
        inFlight++;
      }
      await d.receive();
      inFlight--;
    }
  } finally {
    d.close();
  }
  return (performance.now() - t0) / 1000;
}

export async function files(o: FilesOptions): Promise<{ figures: Figure[]; details: object }> {
  const data = randomBytes(o.megabytes * MB);
  const section = `Files (${o.megabytes} MB, ${CHUNK_BYTES / 1024} KiB chunks, ${o.window} in flight; chat round trips from another process)`;
  const seconds: Record<string, number> = {};
  const bare = await startServer("bench/servers/bare-files.js", [join(o.tmpDir, "bare-files.bin")]);
  try {
    seconds.bareUp = await bareCopy(bare.post, data, o.window, "put");
    seconds.bareDown = await bareCopy(bare.post, data, o.window, "fetch");
  } finally {
    await bare.stop();
  }

  const probe = startWorker();
  let server: Server | undefined;
  let rtt: { alone: number[]; during: number[] } = { alone: [], during: [] };
  try {
    server = await startServer("part4/mc_server.js", ["--rate", "0", "--file-rate", "0", "--max-file-size", `${o.megabytes * 2}MB`, "--files", join(o.tmpDir, "files")]);
    if (!server.files) throw new Error("files: mc_server announced no file port");
    const kyle = await account(server.post, "kyle", PASSWORD);
    const zoe = await account(server.post, "zoe", PASSWORD);

    const alone = await probe.call<{ samples: number[] }>("posts", { endpoint: server.post, count: o.posts, intervalMs: o.intervalMs, channel: "rtt" }, 120_000);
    rtt.alone = alone.samples;

    const d = fileDealer(server.files);
    try {
      let uploading = true;
      const t0 = performance.now();
      const up = upload(d, kyle.token, "zoe", "big.bin", data, { window: o.window }).finally(() => (uploading = false));
      /* Post round trips while the upload runs, in batches until it ends (at least one batch). */
      do {
        const during = await probe.call<{ samples: number[] }>("posts", { endpoint: server.post, count: 50, intervalMs: o.intervalMs, channel: "rtt" }, 120_000);
        rtt.during.push(...during.samples);
      } while (uploading && rtt.during.length < o.posts * 4);
      const { offer } = await up;
      seconds.up = (performance.now() - t0) / 1000;
      if (offer === undefined) throw new Error("files: the upload made no offer");
      const t1 = performance.now();
      const got = await download(d, zoe.token, offer, o.window);
      seconds.down = (performance.now() - t1) / 1000;
      if (!got.equals(data)) throw new Error("files: the download differs from the upload");
    } finally {
      d.close();
    }
  } finally {
    await Promise.all([probe.stop(), server?.stop()]);
  }
  const rate = (s: number) => (data.length / MB) / s;
  const a = percentiles(rtt.alone);
  const b = percentiles(rtt.during);
  const figures: Figure[] = [
    figure({ section, name: "upload: mc_server (each chunk hashed on both sides, the whole file at the end) vs bare copy", unit: "MB/s", chat: rate(seconds.up!), bare: rate(seconds.bareUp!) }),
    figure({ section, name: "download: mc_server (each chunk hashed on both sides) vs bare copy", unit: "MB/s", chat: rate(seconds.down!), bare: rate(seconds.bareDown!) }),
    figure({ section, name: `chat post round trip p50: during the upload vs alone (${rtt.during.length} during)`, unit: "us", chat: b.p50, bare: a.p50 }),
    figure({ section, name: "chat post round trip p99: during the upload vs alone", unit: "us", chat: b.p99, bare: a.p99 }),
  ];
  return { figures, details: { seconds, roundTrip: { alone: a, during: b } } };
}
