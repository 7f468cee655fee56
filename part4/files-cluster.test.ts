/**
 * Files between accounts across two mc_server processes on one NATS
 * JetStream cluster (--cluster), over raw DEALER sockets on their file
 * ports: a file offered by kyle through server A is listed by zoe through
 * server B under the same number and downloaded from B, which never
 * received the upload; an offer made through B is numbered next; with a
 * short --file-ttl the expired file is deleted from the cluster's object
 * store and B answers that the offer has expired.
 *
 * Accounts are registered once, through A, and logged in through B as
 * well: the accounts are the cluster's (replicated state).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Objm } from "@nats-io/obj";
import { connectCluster, NAMES } from "../shared/cluster/connection.js";
import { delay } from "../shared/delay.js";
import { CHUNK_BYTES, RejectedError } from "../shared/protocol/index.js";
import { natsCluster } from "../shared/testing/nats-cluster.js";
import { PATIENCE_MS, startServer } from "../shared/testing/processes.js";
import { account, PASSWORD } from "../shared/testing/private-client.js";
import { answer, control, dealer } from "../shared/testing/raw-client.js";
import { download, fileAnswer, fileDealer, sha256, upload } from "../shared/testing/file-client.js";

const SERVER = "part4/mc_server.js";

/** Two servers of one 3-node cluster; kyle and zoe registered through A, and their logins through A and through B. */
async function twoServers(t: TestContext, extra: string[] = []) {
  const nats = await natsCluster(t);
  const a = await startServer(t, SERVER, ["--cluster", nats.urls, ...extra]);
  const b = await startServer(t, SERVER, ["--cluster", nats.urls, ...extra]);
  const da = dealer(t, a);
  const onA = { kyle: await account(da, "kyle"), zoe: await account(da, "zoe") };
  const db = dealer(t, b);
  const login = async (user: string) => answer(await control(db, "login", { user, password: PASSWORD })).token as string;
  const onB = { kyle: await login("kyle"), zoe: await login("zoe") };
  return { nats, a, b, onA, onB };
}

test("a file offered through server A is listed through B under the same number and downloaded from B, byte for byte; the next offer, through B, is numbered next", async (t) => {
  const { a, b, onA, onB } = await twoServers(t);
  const data = randomBytes(40 * CHUNK_BYTES + 4321);
  const { offer } = await upload(fileDealer(t, a), onA.kyle, "zoe", "report.pdf", data);
  assert.equal(offer, 1);

  const onBfiles = fileDealer(t, b);
  const listed = await fileAnswer(onBfiles, { op: "files", token: onB.zoe });
  assert.deepEqual(listed.files.map((f) => `${f.offer} ${f.from}->${f.to} ${f.name} ${f.size} ${f.sha256}`), [
    `1 kyle->zoe report.pdf ${data.length} ${sha256(data)}`,
  ]);
  const got = await download(onBfiles, onB.zoe, 1);
  assert.equal(sha256(got), sha256(data), "served by B, which never received the upload");

  const reply = Buffer.from("thanks, read it");
  assert.equal((await upload(onBfiles, onB.zoe, "kyle", "reply.txt", reply)).offer, 2, "numbered after A's offer");
  const onAfiles = fileDealer(t, a);
  assert.deepEqual((await fileAnswer(onAfiles, { op: "files", token: onA.kyle })).files.map((f) => `${f.offer} ${f.name}`), ["2 reply.txt", "1 report.pdf"]);
  assert.equal((await download(onAfiles, onA.kyle, 2)).toString(), "thanks, read it");
});

test("with a short --file-ttl, an expired offer's file is deleted from the cluster's object store, and B answers that it has expired", async (t) => {
  const { nats, a, b, onA, onB } = await twoServers(t, ["--file-ttl", "2s"]);
  const look = await connectCluster(nats.urls.split(","));
  t.after(() => look.close());
  const files = await new Objm(look.js).open(NAMES.filesBucket);
  const stored = async (sha: string) => {
    const info = await files.info(sha);
    return info !== null && !info.deleted;
  };

  const data = randomBytes(3 * CHUNK_BYTES);
  const { offer } = await upload(fileDealer(t, a), onA.kyle, "zoe", "soon-gone.bin", data);
  assert.equal(await stored(sha256(data)), true, "in the object store once the upload is acknowledged");
  assert.equal(sha256(await download(fileDealer(t, b), onB.zoe, offer!)), sha256(data));

  const deadline = Date.now() + PATIENCE_MS;
  while (await stored(sha256(data))) {
    if (Date.now() > deadline) assert.fail(`still in the object store after ${PATIENCE_MS} ms`);
    await delay(200);
  }
  await assert.rejects(fileAnswer(fileDealer(t, b), { op: "get", token: onB.zoe, offer: offer! }), (err) => {
    assert.ok(err instanceof RejectedError);
    assert.deepEqual([err.code, err.reason], ["not-found", `offer ${offer} has expired`]);
    return true;
  });
});
