// node part2/pub_server.js <ip> <post_port> <pub_port>: records posts and publishes each one.
import { PARTS } from "../shared/parts.js";
import { runServerCli } from "../shared/server/serve.js";

await runServerCli({ script: "part2/pub_server.js", name: "pub server", summary: "Record posts and publish them", features: PARTS[2], serverOptions: false });
