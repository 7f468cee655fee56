/**
 * Stand-ins for the conversations family (msg, inbox, conversation, group,
 * groups) until its handlers land from the conversations branch: each
 * refuses in one sentence. Delete this file at that merge.
 */
import { Refusal } from "../accounts/refusal.js";
import type { ControlHandlers } from "./context.js";

const notYet = (): never => {
  throw new Refusal("bad-request", "private messages and groups are not served by this server yet");
};

export const handlers: ControlHandlers<"msg" | "inbox" | "conversation" | "group" | "groups"> = {
  msg: notYet, inbox: notYet, conversation: notYet, group: notYet, groups: notYet,
};
