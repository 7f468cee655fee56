// node part4/mc_server.js <ip> <post_port> <pub_port>: the chat server with channels.
import { PARTS } from "../shared/parts.js";
import { runServerCli } from "../shared/server/serve.js";

await runServerCli({ script: "part4/mc_server.js", name: "multi-channel server", summary: "Multi-channel chat server", features: PARTS[4], serverOptions: true });
