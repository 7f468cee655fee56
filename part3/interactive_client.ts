// node part3/interactive_client.js <ip> <post_port> <pub_port> <name>: chat in one channel.
import { runCli } from "../shared/cli.js";
import { positional } from "../shared/args.js";
import { clientOptions, startClient, type ClientArgs } from "../shared/client/client-cli.js";
import { PARTS } from "../shared/parts.js";
import { DEFAULT_CHANNEL } from "../shared/protocol/limits.js";

await runCli<ClientArgs>(
  "node part3/interactive_client.js <ip> <post_port> <pub_port> <name>",
  (y) => y.command("$0 <ip> <post_port> <pub_port> <name>", "Chat: type a line and press Enter to post it; messages appear as they are posted", (c) =>
    clientOptions(positional(positional(positional(positional(c, "ip", "server address"), "post_port", "server's post port"), "pub_port", "server's publish port"), "name", "your name"))
    .example("node part3/interactive_client.js 127.0.0.1 5555 5556 kyle", "chat as kyle")
    .example("node part3/interactive_client.js 127.0.0.1 5555 5556 kyle < lines.txt", "post every line of lines.txt, then exit")),
  (a) => startClient(a, DEFAULT_CHANNEL, PARTS[3]),
);
