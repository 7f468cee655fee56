// node part1/post_server.js <ip> <port>: records every post in memory.
import { runCli } from "../shared/cli.js";
import { endpointArg, positional } from "../shared/args.js";
import { serve } from "../shared/server/serve.js";

await runCli<{ ip: string; port: string }>(
  "node part1/post_server.js <ip> <port>",
  (y) => y.command("$0 <ip> <port>", "Record chat posts in memory (port 0: any free port)", (c) =>
    positional(positional(c, "ip", "address to listen on (127.0.0.1, or * for every interface)"), "port", "post port")),
  async (a) => serve("post server", { post: endpointArg(a.ip, a.port, "port", true), channels: false }),
);
