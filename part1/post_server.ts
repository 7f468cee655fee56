// node part1/post_server.js <ip> <port>: records every post in memory.
import { PARTS } from "../shared/parts.js";
import { runServerCli } from "../shared/server/serve.js";

await runServerCli({ script: "part1/post_server.js", name: "post server", summary: "Record chat posts in memory", features: PARTS[1], serverOptions: false });
