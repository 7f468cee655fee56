// node part3/interactive_server.js <ip> <post_port> <pub_port>: part 2's server, which interactive clients use too.
import { PARTS } from "../shared/parts.js";
import { runServerCli } from "../shared/server/serve.js";

await runServerCli({ script: "part3/interactive_server.js", name: "chat server", summary: "Chat server for interactive clients", features: PARTS[3], serverOptions: false });
