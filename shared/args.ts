/**
 * The arguments the assignment's commands share, declared once for yargs
 * and checked once: <ip>, ports, names.
 */
import type { Argv } from "yargs";
import { UsageError } from "./errors.js";
import { CodecError } from "./protocol/errors.js";
import { parseHost, parsePort, tcpEndpoint } from "./transport/endpoint.js";
import { clientKeys, type CurveClientKeys } from "./transport/curve.js";
import { checkName, checkViewChannel } from "./protocol/validate.js";

/** Declares --server-key, which every client takes. */
export function serverKeyOption<T>(y: Argv<T>) {
  // nargs 1: a Z85 key may begin with "-", which must not be read as flags.
  return y.option("server-key", { type: "string", nargs: 1, describe: "the server's CURVE public key, or a file holding it (encrypted servers)" });
}

/** The client's CURVE keys for a --server-key argument, if one was given. */
export function serverKeyArg(key: string | undefined): CurveClientKeys | undefined {
  return key === undefined ? undefined : clientKeys(key);
}

/** Declares a string positional. */
export function positional<T>(y: Argv<T>, name: string, describe: string) {
  return y.positional(name, { type: "string", describe, demandOption: true });
}

/** The endpoint for <ip> and a port argument. */
export function endpointArg(ip: string, port: string, portName: string, server: boolean): string {
  return tcpEndpoint(parseHost(ip, { server }), parsePort(port, portName, { server }));
}

/** A user name argument, normalised to NFC and validated. */
export function userArg(name: string): string {
  return validated(() => checkName("user", name.normalize("NFC")));
}

/** A channel argument (ALL allowed), normalised and validated. */
export function channelArg(name: string): string {
  return validated(() => checkViewChannel(name.replace(/^#/, "").normalize("NFC")));
}

function validated(check: () => string): string {
  try {
    return check();
  } catch (err) {
    if (err instanceof CodecError) throw new UsageError(err.sentence);
    throw err;
  }
}
