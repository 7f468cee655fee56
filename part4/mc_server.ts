// node part4/mc_server.js <ip> <post_port> <pub_port>: the chat server with channels.
import { runCli } from "../shared/cli.js";
import { endpointArg, positional } from "../shared/args.js";
import { serve } from "../shared/server/serve.js";
import { serverExtras, serverOptions, type ServerExtraArgs } from "../shared/server/server-cli.js";

await runCli<{ ip: string; post_port: string; pub_port: string } & ServerExtraArgs>(
  "node part4/mc_server.js <ip> <post_port> <pub_port> [--store file.db] [--curve server.key]",
  (y) => y.command("$0 <ip> <post_port> <pub_port>", "Multi-channel chat server (ports 0: any free port)", (c) =>
    serverOptions(positional(positional(positional(c, "ip", "address to listen on"), "post_port", "port for posts"), "pub_port", "port subscribers connect to"))),
  async (a) => {
    const extras = await serverExtras(a);
    await serve("multi-channel server", {
      post: endpointArg(a.ip, a.post_port, "post_port", true),
      pub: endpointArg(a.ip, a.pub_port, "pub_port", true),
      channels: true,
      ...extras.options,
    }, extras.note);
  },
);
