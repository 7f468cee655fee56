import { watchStoreContract } from "../../testing/watch-store-contract.js";
import { MemoryWatchStore } from "./memory-store.js";

watchStoreContract("memory", { open: () => new MemoryWatchStore() });
