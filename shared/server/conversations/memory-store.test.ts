import { conversationStoreContract } from "../../testing/conversation-store-contract.js";
import { MemoryConversationStore } from "./memory-store.js";

conversationStoreContract("memory", { open: () => new MemoryConversationStore() });
