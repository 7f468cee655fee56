/**
 * The replicated stores pass the store contracts (accounts, conversations,
 * watches) on a real 3-node NATS cluster: each change goes through the
 * state stream and is applied before it is answered. "Reopened" is a
 * second server's state, replayed from the stream: what a server starting
 * later (or restarting) holds.
 */
import { after, before } from "node:test";
import type { TestContext } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectCluster, type Cluster } from "../../cluster/connection.js";
import { startNatsCluster, type NatsCluster } from "../../cluster/nats-nodes.js";
import { accountStoreContract } from "../../testing/account-store-contract.js";
import { conversationStoreContract } from "../../testing/conversation-store-contract.js";
import { watchStoreContract } from "../../testing/watch-store-contract.js";
import { openReplicatedState, type ReplicatedState } from "./index.js";

let nodes: NatsCluster;
let cluster: Cluster;
const dir = mkdtempSync(join(tmpdir(), "chat-state-"));
before(async () => {
  nodes = await startNatsCluster(dir, 3);
  cluster = await connectCluster(nodes.urls.split(","));
});
after(async () => {
  await cluster?.close();
  await Promise.all(nodes?.nodes.map((n) => n.kill("SIGKILL")) ?? []);
  rmSync(dir, { recursive: true, force: true });
});

let streams = 0;
const states = new WeakMap<object, { state: ReplicatedState; stream: string; failuresMax: number | undefined }>();

/** A replicated engine: each open on a stream of its own; reopen replays that stream into a new state. */
function engine<S extends object>(pick: (s: ReplicatedState) => S) {
  const opened = async (t: TestContext, stream: string, failuresMax?: number): Promise<S> => {
    const state = await openReplicatedState(cluster, { stream, subject: `test.state.${stream}`, ...(failuresMax === undefined ? {} : { failuresMax }) });
    t.after(() => state.close());
    const store = pick(state);
    states.set(store, { state, stream, failuresMax });
    return store;
  };
  return {
    open: (t: TestContext, failuresMax?: number) => opened(t, `STATE_TEST_${++streams}`, failuresMax),
    async reopen(t: TestContext, first: S): Promise<S> {
      const { state, stream, failuresMax } = states.get(first)!;
      await state.close();
      return opened(t, stream, failuresMax);
    },
  };
}

accountStoreContract("replicated", engine((s) => s.accountStore));
conversationStoreContract("replicated", engine((s) => s.conversationStore));
watchStoreContract("replicated", engine((s) => s.watchStore));
