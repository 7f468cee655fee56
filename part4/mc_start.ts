// npm start: the chat server with the defaults of a real deployment (see shared/server/start.ts).
import { runStart } from "../shared/server/start.js";

await runStart();
