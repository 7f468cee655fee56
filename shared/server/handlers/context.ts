/**
 * What a handler gets and gives back. A handler is a function of the request
 * and this context; it answers, reports presence events for the fan-out to
 * publish, and says what to write to the log. Handlers touch no socket, so
 * tests can drive them directly.
 */
import type { ControlRequest, PresenceEvent } from "../../protocol/index.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Alerts } from "../alerts/alerts.js";
import type { EventLog } from "../log/event-log.js";
import type { PresenceTable } from "../presence-table.js";
import type { Inboxes } from "../conversations/inboxes.js";
import type { Messages } from "../conversations/messages.js";
import type { Groups } from "../conversations/groups.js";

/** What a control handler may read and change. */
export interface HandlerContext {
  log: EventLog;
  presence: PresenceTable;
  accounts: Accounts;
  /** What each account watches and follows (handlers/alerts.ts). */
  alerts: Alerts;
  heartbeatMs: number;
  /** A session silent this long is forgotten; clients refresh at a third of it. */
  presenceMs: number;
  /** Every account's inbox: where private messages, group notices and alerts are delivered. */
  inboxes: Inboxes;
  /** Private and group messages, and their history. */
  messages: Messages;
  groups: Groups;
  /** When the request arrived (ms since the Unix epoch). */
  now: number;
  /** The file port, when the server has one (hello answers name it). */
  filePort?: number | undefined;
}

/** A control request's result: the answer (JSON) and the joins and leaves it caused. */
export interface Outcome {
  answer: object;
  events: PresenceEvent[];
}

/** Requests that write to the log like a post, answered once committed (handlers/edits.ts). */
export type ChangeRequest = Extract<ControlRequest, { op: "edit" | "delete" }>;
/** Requests answered from the server's state (every request but post, edit and delete, and inbox, which may be held). */
export type AnsweredRequest = Exclude<ControlRequest, ChangeRequest | InboxRequest>;
/** An inbox request: answered at once or held (the pipeline's InboxPolls). */
export type InboxRequest = Extract<ControlRequest, { op: "inbox" }>;
/** The names of the answered requests. */
export type ControlOp = AnsweredRequest["op"];

/** The handler of one control operation; those that hash a password answer later (handlers/accounts.ts, SLOW_OPS). */
export type ControlHandler<K extends ControlOp> = (request: Extract<AnsweredRequest, { op: K }>, c: HandlerContext) => Outcome | Promise<Outcome>;

/** Some control operations and their handlers: what each family file exports. */
export type ControlHandlers<K extends ControlOp> = { [P in K]: ControlHandler<P> };
