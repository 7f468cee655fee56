/**
 * publishAll's order, driven without NATS: a stand-in for the JetStream
 * client stores each message whose publish it acknowledges, in the order
 * acknowledged, and leaves chosen publishes unanswered once (an ack timeout,
 * as while a stream leader is elected). A message naming an earlier one
 * (`after`) is stored after it through the retry; others are not held up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PubAck } from "@nats-io/jetstream";
import type { Cluster } from "./connection.js";
import { publishAll, type Publication } from "./stream-writer.js";

/** A JetStream stand-in: `lose` lists message ids whose first publish times out. */
function standIn(lose: string[]) {
  const stored: string[] = [];
  const published: string[] = [];
  const cluster = {
    js: {
      publish: async (_subject: string, _data: Uint8Array, o: { msgID: string }): Promise<PubAck> => {
        published.push(o.msgID);
        const at = lose.indexOf(o.msgID);
        if (at >= 0) {
          lose.splice(at, 1);
          throw new Error("TimeoutError: timeout");
        }
        if (!stored.includes(o.msgID)) stored.push(o.msgID);
        return { stream: "S", seq: stored.indexOf(o.msgID) + 1, duplicate: false } as PubAck;
      },
    },
  } as unknown as Cluster;
  return { cluster, stored, published };
}

const message = (id: string, after?: string): Publication => ({ id, data: new Uint8Array(), ...(after === undefined ? {} : { after }) });
const OPTIONS = { patienceMs: 60_000, ackMs: 2_000, pauseMs: 1 };

test("a client's posts naming the one before are stored in list order when the first is published again; another client's go ahead", async () => {
  const { cluster, stored, published } = standIn(["amy-1"]);
  const acks = await publishAll(cluster, "log", [message("amy-1"), message("bob-1"), message("amy-2", "amy-1"), message("amy-3", "amy-2")], OPTIONS);
  assert.deepEqual(stored, ["bob-1", "amy-1", "amy-2", "amy-3"]);
  assert.deepEqual(published, ["amy-1", "bob-1", "amy-1", "amy-2", "amy-3"], "amy-2 waits for amy-1's ack, amy-3 for amy-2's");
  assert.deepEqual(acks.map((a) => a.seq), [2, 1, 3, 4], "each message's own ack, in the order of the list");
});

test("without after every message goes out at once, and one published again lands after the later ones", async () => {
  const { cluster, stored, published } = standIn(["amy-1"]);
  await publishAll(cluster, "log", [message("amy-1"), message("bob-1"), message("amy-2")], OPTIONS);
  assert.deepEqual(published, ["amy-1", "bob-1", "amy-2", "amy-1"]);
  assert.deepEqual(stored, ["bob-1", "amy-2", "amy-1"]);
});

test("a message naming one not in the list (answered in an earlier batch) is not held", async () => {
  const { cluster, stored } = standIn([]);
  await publishAll(cluster, "log", [message("amy-5", "amy-4"), message("amy-6", "amy-5")], OPTIONS);
  assert.deepEqual(stored, ["amy-5", "amy-6"]);
});
