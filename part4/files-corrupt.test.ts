/**
 * A chunk corrupted on the way is fetched again (issue 14): the client's
 * download engine and its FileLink, over real sockets, from a real
 * mc_server, through a proxy on the file port that flips one byte of one
 * chunk's first answer. The engine checks each chunk against the SHA-256
 * it came with, fetches the spoilt one again, and saves the whole file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Router } from "zeromq";
import { CHUNK_BYTES } from "../shared/protocol/index.js";
import { download } from "../shared/client/files/download.js";
import { FileLink } from "../shared/client/files/file-link.js";
import { startServer } from "../shared/testing/processes.js";
import { dealer } from "../shared/testing/raw-client.js";
import { account } from "../shared/testing/private-client.js";
import { fileDealer, sha256, upload } from "../shared/testing/file-client.js";
import { SERVER } from "../shared/testing/chat.js";

const SPOILT = 2;

test("a chunk that arrives corrupted is fetched again, and the saved file is whole", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  const zoe = await account(d, "zoe");
  const data = randomBytes(5 * CHUNK_BYTES + 777);
  const { offer } = await upload(fileDealer(t, server), kyle, "zoe", "data.bin", data);
  assert.equal(offer, 1);

  // The proxy: one client (the FileLink's DEALER) in front, the server's file port behind.
  const front = new Router({ linger: 0 });
  await front.bind("tcp://127.0.0.1:0");
  const back = new Dealer({ linger: 0 });
  back.connect(server.files!);
  t.after(() => {
    front.close();
    back.close();
  });
  const fetches = new Map<number, number>();
  let client: Buffer | undefined;
  let spoiled = false;
  void (async () => {
    for await (const [id, , ...request] of front) {
      client = id;
      if (request[0]?.toString() === "fetch") {
        const index = JSON.parse(request[1]!.toString()).index as number;
        fetches.set(index, (fetches.get(index) ?? 0) + 1);
      }
      await back.send(["", ...request]);
    }
  })().catch(() => {});
  void (async () => {
    for await (const [, ...reply] of back) {
      const answer = reply[0]?.toString() === "ok" && reply.length === 3 ? JSON.parse(reply[1]!.toString()) : undefined;
      if (answer?.index === SPOILT && !spoiled) {
        spoiled = true;
        reply[2] = Buffer.from(reply[2]!);
        reply[2][100]! ^= 0xff;
      }
      await front.send([client!, "", ...reply]);
    }
  })().catch(() => {});

  const dir = await mkdtemp(join(tmpdir(), "corrupt-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const link = new FileLink({ endpoint: front.lastEndpoint!, token: () => zoe });
  t.after(() => link.close());
  const got = await download({ ops: link, offer: 1, dir });

  assert.ok(spoiled, "the proxy spoilt a chunk");
  assert.equal(fetches.get(SPOILT), 2, "the spoilt chunk was fetched twice");
  assert.deepEqual([...fetches.entries()].filter(([i, n]) => i !== SPOILT && n !== 1), [], "every other chunk once");
  assert.equal(sha256(await readFile(got.path)), sha256(data));
  assert.deepEqual(await readdir(dir), ["data.bin"]);
});
