/**
 * SCAFFOLD on the accounts branch only: the accounts family's handlers are
 * being written; until then every accounts request is refused. Never merged
 * as is.
 */
import { CodecError } from "../../protocol/errors.js";
import type { ControlHandlers } from "./context.js";

const notYet = (): never => {
  throw new CodecError("accounts", "are not implemented on this server yet", "unavailable");
};

export const handlers: ControlHandlers<"register" | "login" | "logout" | "passwd" | "whoami" | "unregister"> = {
  register: notYet,
  login: notYet,
  logout: notYet,
  passwd: notYet,
  whoami: notYet,
  unregister: notYet,
};
