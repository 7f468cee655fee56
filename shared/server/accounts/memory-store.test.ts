import { accountStoreContract } from "../../testing/account-store-contract.js";
import { MemoryAccountStore } from "./memory-store.js";

accountStoreContract("memory", { open: (_t, failuresMax) => new MemoryAccountStore(failuresMax) });
