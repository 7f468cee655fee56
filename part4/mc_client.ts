// node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>: chat in a channel (ALL reads every channel).
// node part4/mc_client.js --directory <ip>:<port> <channel> <name>: the same, on the server the directory gives.
import { runCli } from "../shared/cli.js";
import { channelArg, positional } from "../shared/args.js";
import { clientOptions, directoryOption, startClient, type ClientArgs } from "../shared/client/client-cli.js";
import { PARTS } from "../shared/parts.js";

/* The directory's form has two positionals instead of five: which form this is, the option says. */
const viaDirectory = process.argv.slice(2).some((a) => a === "--directory" || a.startsWith("--directory="));

await (viaDirectory
  ? runCli<ClientArgs & { channel: string }>(
    "node part4/mc_client.js --directory <ip>:<port> <channel> <name>",
    (y) => y.command("$0 <channel> <name>", "Chat in a channel on the server the directory gives; ALL shows every channel, read-only", (c) =>
      directoryOption(clientOptions(positional(positional(c, "channel", "channel to join (ALL: every channel, read-only)"), "name", "your name")))
        .example("node part4/mc_client.js --directory 127.0.0.1:5550 dev kyle", "chat in #dev as kyle, on a server of the cluster")),
    (a) => startClient(a, channelArg(a.channel), PARTS[4]),
  )
  : runCli<ClientArgs & { channel: string }>(
    "node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>",
    (y) => y.command("$0 <ip> <post_port> <pub_port> <channel> <name>", "Chat in a channel; ALL shows every channel, read-only", (c) =>
      clientOptions(positional(positional(positional(positional(positional(c, "ip", "server address"), "post_port", "server's post port"), "pub_port", "server's publish port"), "channel", "channel to join (ALL: every channel, read-only)"), "name", "your name"))
      .example("node part4/mc_client.js 127.0.0.1 5555 5556 dev kyle", "chat in #dev as kyle")
      .example("node part4/mc_client.js 127.0.0.1 5555 5556 ALL watcher", "read every channel")
      .example("node part4/mc_client.js 127.0.0.1 5555 5556 dev kyle --server-key keys/server.pub", "with a server started with --curve")
      .example("node part4/mc_client.js --directory 127.0.0.1:5550 dev kyle", "ask the directory of a cluster for a server")),
    (a) => startClient(a, channelArg(a.channel), PARTS[4]),
  ));
