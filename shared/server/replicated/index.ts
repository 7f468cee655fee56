/**
 * The shared state of a cluster's servers (issue 15): accounts, lockouts
 * and logins, private and group conversations with their inboxes, and
 * alert watches, the same on every server of one NATS JetStream cluster.
 * A change made through any server is an operation on one stream, applied
 * by every server in the stream's order to its own memory stores
 * (state-stream.ts, state-machine.ts); reads are served from those, at once.
 *
 * chat-server.ts takes the three stores as it takes the memory or SQLite
 * engines, and `sync` for logins right after a registration elsewhere.
 */
import type { Cluster } from "../../cluster/connection.js";
import { ReplicatedAccountStore } from "./account-store.js";
import { ReplicatedConversationStore } from "./conversation-store.js";
import { StateMachine } from "./state-machine.js";
import { StateStream, type StateStreamOptions } from "./state-stream.js";
import { ReplicatedWatchStore } from "./watch-store.js";

export interface ReplicatedState {
  readonly accountStore: ReplicatedAccountStore;
  readonly conversationStore: ReplicatedConversationStore;
  readonly watchStore: ReplicatedWatchStore;
  /** Resolves once every change stored before the call, by any server, is applied here. */
  sync(): Promise<void>;
  /** Stops applying changes (the NATS connection is the caller's). */
  close(): Promise<void>;
}

export interface ReplicatedStateOptions extends StateStreamOptions {
  /** The bound on names without an account whose failures are remembered (accounts/store.ts). */
  failuresMax?: number;
}

/** Replays the state stream (made if missing) and keeps applying it; resolves once this server holds the state every other one has. */
export async function openReplicatedState(cluster: Cluster, o: ReplicatedStateOptions = {}): Promise<ReplicatedState> {
  const state = await StateStream.open(cluster, new StateMachine(o.failuresMax), o);
  return {
    accountStore: new ReplicatedAccountStore(state),
    conversationStore: new ReplicatedConversationStore(state),
    watchStore: new ReplicatedWatchStore(state),
    sync: () => state.sync(),
    close: () => state.close(),
  };
}
