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
 *
 * Decisions, for the record:
 * - What is replicated is the stores' changing methods, nothing above
 *   them. What derives from a store goes with it: the matcher's index is
 *   kept by the watch store the state machine applies to
 *   (alerts/indexed-store.ts), so every server matches every watch.
 *   Side effects that every server must have (waking its held inbox polls)
 *   come from the state machine's events after each applied operation
 *   (onInboxChanged, onSessionsEnded), whoever issued it. Steps made of
 *   several changes (an unregistration leaving groups, a group's notices)
 *   run once, on the server that took the request: their changes are
 *   operations like any, applied everywhere.
 * - Beyond the plain methods: a failed login is counted in one operation
 *   (addFailure), since a read and a write from two servers at once would
 *   lose counts; the state machine decides names, numbers messages and
 *   drops a retry seen twice at apply time (state-machine.ts); a message's
 *   shared inbox item goes once for all its recipients.
 * - Alerts, exactly once: every server delivers the alerts of every
 *   committed post, under an id derived from the watcher and the alert;
 *   JetStream's duplicate window drops the later copies, and the state
 *   machine's remembered ids drop any that come after it. Chosen over
 *   "only the server that appended the post delivers": it survives that
 *   server crashing between its commit and its delivery, and needs nothing
 *   from the log engine.
 * - Expired sessions are forgotten by an operation (each server's minute
 *   timer issues one): pruning locally would make the stores differ
 *   (which session the per-account bound evicts depends on which remain).
 * - Acknowledging an inbox position already acknowledged publishes nothing.
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
