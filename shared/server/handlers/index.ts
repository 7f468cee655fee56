/**
 * The control operations, gathered from the family files: adding an
 * operation means adding it to one family's `handlers` (the type below
 * fails until every operation of the wire has one).
 */
import { handlers as chat } from "./chat.js";
import { handlers as history } from "./history.js";
import { handlers as presence } from "./presence.js";
import { handlers as accounts } from "./accounts.js";
import { handlers as conversations } from "./conversations.js";
import { handlers as alerts } from "./alerts.js";
import type { AnsweredRequest, ControlHandler, ControlHandlers, ControlOp, HandlerContext, Outcome } from "./context.js";

export { post } from "./chat.js";
export { change, CHANGE_NEEDS_LOGIN } from "./edits.js";
export { SLOW_OPS } from "./accounts.js";
export { asker } from "./conversations.js";
export type { AnsweredRequest, ChangeRequest, HandlerContext, InboxRequest, Outcome } from "./context.js";

/**
 * Operations that change accounts, conversations or alerts without a
 * password: their handler returns a promise too (a cluster's stores apply
 * a change in the cluster's order first), and the client's later requests
 * wait for the answer, as behind a password request.
 */
export const STATE_OPS: ReadonlySet<ControlOp> = new Set<ControlOp>(["logout", "msg", "group", "alerts"]);

const CONTROL: ControlHandlers<ControlOp> = { ...chat, ...history, ...presence, ...accounts, ...conversations, ...alerts };

/** Answers one control request with its family's handler (a promise for SLOW_OPS and STATE_OPS). */
export function answerControl(request: AnsweredRequest, c: HandlerContext): Outcome | Promise<Outcome> {
  return (CONTROL[request.op] as ControlHandler<ControlOp>)(request as never, c);
}
