/**
 * What every server entry point does: parse <ip> and its ports, start the
 * server, print where it listens (the line tests and people wait for), and
 * stop cleanly on Ctrl-C or SIGTERM.
 */
import { onShutdown, runCli } from "../cli.js";
import { endpointArg, positional } from "../args.js";
import type { PartFeatures } from "../parts.js";
import { startChatServer, type ChatServer, type ServerOptions } from "./chat-server.js";
import { curveOption, serverExtras, serverOptions, type ServerExtraArgs } from "./server-cli.js";

export interface ServerCommand {
  /** The script as typed, e.g. part2/pub_server.js. */
  script: string;
  /** Names the server in its readiness line. */
  name: string;
  summary: string;
  /** What its part enables: PARTS[n] from shared/parts.ts. */
  features: PartFeatures;
  /** Whether it takes mc_server's options (--store, --rate, --burst); every server takes --curve. */
  serverOptions: boolean;
}

type Args = { ip: string; post_port?: string; pub_port?: string; port?: string } & Partial<ServerExtraArgs>;

/** Runs a server command line to completion. */
export async function runServerCli(c: ServerCommand): Promise<void> {
  const pub = c.features.publish;
  const ports = pub ? "<post_port> <pub_port>" : "<port>";
  const extra = c.serverOptions ? " [--store file.db | --cluster nats://host:port,...] [--curve server.key] [--accounts open|required]" : " [--curve server.key]";
  const example = `node ${c.script} 127.0.0.1 ${pub ? "5555 5556" : "7777"}`;
  await runCli<Args>(
    `node ${c.script} <ip> ${ports}${extra}`,
    (y) => y.command(`$0 <ip> ${ports}`, `${c.summary} (port 0: any free port)`, (cmd) => {
      let b = positional(cmd, "ip", "address to listen on (127.0.0.1, or * for every interface)");
      b = pub ? positional(positional(b, "post_port", "port for posts"), "pub_port", "port subscribers connect to") : positional(b, "port", "port for posts");
      return (c.serverOptions ? serverOptions(b) : curveOption(b))
        .example(example, "listen on 127.0.0.1")
        .example(`${example} --curve keys/server.key`, "encrypt, with the key pair mc_keygen wrote in keys/");
    }),
    async (a) => {
      const extras = await serverExtras(a, c.serverOptions);
      await serve(c.name, {
        post: pub ? endpointArg(a.ip, a.post_port!, "post_port", true) : endpointArg(a.ip, a.port!, "port", true),
        pub: pub ? endpointArg(a.ip, a.pub_port!, "pub_port", true) : undefined,
        features: c.features,
        ...extras.options,
      }, extras.note);
    },
  );
}

/**
 * Runs a server until SIGINT or SIGTERM; `name` appears in the readiness
 * line, and `after` may add lines below it that need the bound endpoints.
 */
export async function serve(name: string, options: ServerOptions, note = "", after?: (server: ChatServer) => string): Promise<void> {
  const server = await startChatServer(options);
  /* Whoever parses this line reads "posts on X, publishing on Y" first: the file port comes after. */
  const where = (server.pubEndpoint
    ? `posts on ${server.postEndpoint}, publishing on ${server.pubEndpoint}`
    : `posts on ${server.postEndpoint}`) + (server.fileEndpoint ? `, files on ${server.fileEndpoint}` : "");
  let stop = async () => {
    await server.close();
    process.stdout.write(`stopped after recording ${server.log.gseq} messages\n`);
  };
  /* Loaded only with a cluster: a single server never loads NATS. */
  if (options.cluster) stop = await (await import("./cluster/join.js")).joinRegistry(server, options.cluster, stop);
  const stopped = new Promise<void>((resolve) => onShutdown(() => stop().then(resolve)));
  // Only now: whoever reads this line may send SIGINT at once, and must find the handler in place.
  process.stdout.write(`${name} listening: ${where}${note} (Ctrl-C to stop)\n${after?.(server) ?? ""}`);
  await stopped;
}
