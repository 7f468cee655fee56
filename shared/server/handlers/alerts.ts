/**
 * The alerts family (watch keywords, follow authors).
 * TODO(alerts engineer): replace this file with the real handler; until
 * then the op is refused, so the type check over every op passes.
 */
import { Refusal } from "../accounts/refusal.js";
import type { ControlHandlers } from "./context.js";

export const handlers: ControlHandlers<"alerts"> = {
  alerts: () => {
    throw new Refusal("bad-request", "alerts are not available yet");
  },
};
