import { logContract } from "../../testing/log-contract.js";
import { MemoryLog } from "./memory.js";

logContract("memory", {
  async open(t) {
    const log = new MemoryLog();
    t.after(() => log.close());
    return log;
  },
});
