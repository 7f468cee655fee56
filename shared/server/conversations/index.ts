/**
 * Private and group conversations, wired: one store, the inboxes on it,
 * messages and groups on both. chat-server.ts makes one of these and hands
 * it to the pipeline (and its parts to whoever delivers: alerts).
 */
import type { AccountStore } from "../accounts/store.js";
import { Groups } from "./groups.js";
import { Inboxes } from "./inboxes.js";
import { Messages, type MessageSent } from "./messages.js";
import type { ConversationStore } from "./store.js";

export interface Conversations {
  store: ConversationStore;
  inboxes: Inboxes;
  messages: Messages;
  groups: Groups;
}

/** The conversations on `store`, for the accounts of `accounts`; `onSent` hears of every message (never its body). */
export function conversations(store: ConversationStore, accounts: AccountStore, onSent?: (m: MessageSent) => void): Conversations {
  const inboxes = new Inboxes(store);
  return { store, inboxes, messages: new Messages(store, inboxes, accounts, onSent), groups: new Groups(store, inboxes, accounts) };
}

export type { MessageSent } from "./messages.js";
