/**
 * `connect()`: a client configured from options, then `PROTEINIQ_API_KEY` and
 * `PROTEINIQ_BASE_URL`. With neither a key nor a base URL, it starts the embedded sandbox
 * in this process on 127.0.0.1 and says so once.
 *
 * @example
 * ```ts
 * import { connect } from "./connect.ts";
 * const piq = await connect(); // the embedded sandbox when no key is configured
 * console.log(piq.baseUrl);
 * ```
 * @module
 */
import { join } from "node:path";
import { type ClientOptions, ProteinIQ } from "./client.ts";
import { ConfigurationError } from "./errors.ts";
import { SANDBOX_POLLING } from "./_wait.ts";
import type { Sandbox, SandboxOptions } from "../sandbox/mod.ts";

/** Options of {@linkcode connect}. */
export interface ConnectOptions extends Partial<ClientOptions> {
  /**
   * Use the embedded sandbox even when a key is configured (`true`), with these options, or
   * never (`false`). By default it is used only when no key and no base URL are configured.
   */
  sandbox?: boolean | SandboxOptions;
  /** Say nothing when starting the sandbox. */
  quiet?: boolean;
}

function env(name: string): string | undefined {
  try {
    const value = Deno.env.get(name);
    return value && value.trim() !== "" ? value.trim() : undefined;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

/**
 * Where the embedded sandbox keeps its data, so jobs survive a kernel restart.
 *
 * @example
 * ```ts
 * import { defaultSandboxDatabase } from "../../mod.ts";
 * // PROTEINIQ_SANDBOX_DB when set, else the user's cache folder (":memory:" without one):
 * console.log(defaultSandboxDatabase()); // e.g. /home/ada/.cache/proteiniq-notebook/sandbox.sqlite
 * ```
 */
export function defaultSandboxDatabase(): string {
  const explicit = env("PROTEINIQ_SANDBOX_DB");
  if (explicit) return explicit;
  const cacheHome = env("XDG_CACHE_HOME") ??
    (env("HOME") ? join(env("HOME")!, ".cache") : undefined);
  if (!cacheHome) return ":memory:";
  const dir = join(cacheHome, "proteiniq-notebook");
  try {
    Deno.mkdirSync(dir, { recursive: true });
    return join(dir, "sandbox.sqlite");
  } catch {
    return ":memory:";
  }
}

/**
 * The embedded sandbox's workspace when it is first created: a Pro plan's monthly credits
 * (8,000, as the pricing page lists) and a daily limit a class can work with. A sandbox
 * workspace cannot be topped up from the web app; a fresh `PROTEINIQ_SANDBOX_DB` starts over.
 */
const EMBEDDED_WORKSPACE = {
  name: "Notebook sandbox",
  planTier: "pro",
  credits: 8000,
  dailyJobLimit: 1000,
};

let shared: Promise<Sandbox> | undefined;
let announced = false;

async function startEmbedded(
  options: SandboxOptions | undefined,
  quiet: boolean,
): Promise<Sandbox> {
  const { startSandbox } = await import("../sandbox/mod.ts");
  const custom = options !== undefined;
  const start = () =>
    startSandbox({
      database: defaultSandboxDatabase(),
      unref: true,
      workspace: EMBEDDED_WORKSPACE,
      ...options,
    });
  const sandbox = custom ? await start() : await (shared ??= start());
  if (!quiet && (!announced || custom)) {
    announced = true;
    const where = options?.database ?? defaultSandboxDatabase();
    console.log(
      `proteiniq: no PROTEINIQ_API_KEY configured — using the embedded sandbox at ${sandbox.url} ` +
        `(local tools, no real credits; data in ${where}). Set PROTEINIQ_API_KEY to use your workspace.`,
    );
  }
  return sandbox;
}

/**
 * Connect to ProteinIQ, or to the embedded sandbox when nothing is configured.
 *
 * @example
 * ```ts
 * import { connect } from "./connect.ts";
 * const piq = await connect({ sandbox: { database: ":memory:", pace: "instant" }, quiet: true });
 * await piq.close();
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<ProteinIQ> {
  const apiKey = options.apiKey ?? env("PROTEINIQ_API_KEY");
  const baseUrl = options.baseUrl ?? env("PROTEINIQ_BASE_URL");
  const useSandbox = options.sandbox === true || typeof options.sandbox === "object" ||
    (options.sandbox === undefined && !apiKey && !baseUrl);
  if (useSandbox) {
    const sandboxOptions = typeof options.sandbox === "object" ? options.sandbox : undefined;
    const sandbox = await startEmbedded(sandboxOptions, options.quiet ?? false);
    const client = new ProteinIQ({
      polling: SANDBOX_POLLING,
      ...options,
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
    });
    if (sandboxOptions) client.onClose(() => sandbox.close());
    return client;
  }
  if (!apiKey) {
    throw new ConfigurationError(
      `PROTEINIQ_BASE_URL is set (${baseUrl}) but PROTEINIQ_API_KEY is not; set the key, or unset ` +
        "PROTEINIQ_BASE_URL to use the embedded sandbox",
    );
  }
  return new ProteinIQ({ ...options, apiKey, baseUrl: baseUrl ?? "https://proteiniq.io" });
}
