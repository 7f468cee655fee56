// node part1/post_client.js <ip> <port> <username> "message": posts one message.
import { runCli } from "../shared/cli.js";
import { endpointArg, positional, serverKeyArg, serverKeyOption, userArg } from "../shared/args.js";
import { postOnce } from "../shared/client/post-once.js";
import { displayTime } from "../shared/time.js";
import { DEFAULT_CHANNEL } from "../shared/protocol/limits.js";
import { checkBody } from "../shared/protocol/validate.js";
import { UsageError } from "../shared/errors.js";
import { CodecError } from "../shared/protocol/errors.js";

await runCli<{ ip: string; port: string; username: string; message: string[]; "server-key"?: string }>(
  'node part1/post_client.js <ip> <port> <username> "message"',
  (y) => y.command("$0 <ip> <port> <username> <message..>", "Post one message and wait for the server's ack", (c) =>
    serverKeyOption(positional(positional(positional(c, "ip", "server address"), "port", "server's post port"), "username", "your name"))
      .positional("message", { type: "string", array: true, demandOption: true, describe: "the message; unquoted words are joined with spaces" })
      .example('node part1/post_client.js 127.0.0.1 7777 kyle "hello"', "post hello as kyle to the server on port 7777")),
  async (a) => {
    const endpoint = endpointArg(a.ip, a.port, "port", false);
    const user = userArg(a.username);
    const message = a.message.join(" ");
    try {
      checkBody(message);
    } catch (err) {
      if (err instanceof CodecError) throw new UsageError(`invalid message: it ${err.reason}`);
      throw err;
    }
    const { seq, time } = await postOnce({ endpoint, user, channel: DEFAULT_CHANNEL, body: message, curve: serverKeyArg(a["server-key"]) });
    process.stdout.write(`message #${seq} posted at ${displayTime(time)}\n`);
  },
);
