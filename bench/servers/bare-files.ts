/**
 * The baseline of the file benchmark: a bare zeromq.js copy of the same
 * bytes, the same way. A ROUTER takes ["put", index, bytes] and writes the
 * chunk at its offset in one file, then answers ["ok", index]; ["fetch",
 * index] answers ["ok", index, bytes] read from that file. No tokens, no
 * hashes, no bookkeeping: what moving the bytes through zeromq.js and the
 * disk costs.
 *
 *   node bench/servers/bare-files.js <ip> <post_port> <pub_port> <file>
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { Router } from "zeromq";
import { CHUNK_BYTES } from "../../shared/protocol/index.js";

const [ip = "127.0.0.1", port = "0", , path = "/tmp/bare-files.bin"] = process.argv.slice(2);
const router = new Router({ linger: 0 });
await router.bind(`tcp://${ip}:${port}`);
const fd = openSync(path, "w+");
const stop = () => {
  closeSync(fd);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
/* The bench's readiness line names a post and a pub endpoint: both are this socket. */
process.stdout.write(`bare files listening: posts on ${router.lastEndpoint}, publishing on ${router.lastEndpoint}\n`);

const buffer = Buffer.alloc(CHUNK_BYTES);
for await (const [id, delimiter, op, index, bytes] of router) {
  const offset = Number(index) * CHUNK_BYTES;
  if (op!.toString() === "put") {
    writeSync(fd, bytes!, 0, bytes!.length, offset);
    await router.send([id!, delimiter!, "ok", index!]);
  } else {
    const n = readSync(fd, buffer, 0, CHUNK_BYTES, offset);
    await router.send([id!, delimiter!, "ok", index!, buffer.subarray(0, n)]);
  }
}
