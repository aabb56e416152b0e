/**
 * `connectPipeline()`: a pipeline client configured from options, then `PIPELINE_API_TOKEN`
 * and `PIPELINE_API_URL`. With neither configured it starts the embedded pipeline sandbox in
 * this process on 127.0.0.1 (its own port) and says so once — as `connect()` does for
 * ProteinIQ. The sandbox keeps its data in `PIPELINE_SANDBOX_DB`, or next to the ProteinIQ
 * sandbox's database (`…/sandbox.pipeline.sqlite`), so jobs survive a kernel restart.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "./connect.ts";
 * const pipe = await connectPipeline(); // the embedded sandbox when nothing is configured
 * console.log(String(pipe));
 * ```
 * @module
 */
import { PipelineClient, type PipelineClientOptions } from "./client.ts";
import { PIPELINE_SANDBOX_POLLING } from "./contract.ts";
import type { PipelineSandbox, PipelineSandboxOptions } from "./sandbox.ts";
import { ConfigurationError } from "../client/errors.ts";
import { defaultSandboxDatabase } from "../client/connect.ts";

/** Options of {@linkcode connectPipeline}. */
export interface ConnectPipelineOptions extends Partial<PipelineClientOptions> {
  /**
   * Use the embedded pipeline sandbox even when a token is configured (`true`), with these
   * options, or never (`false`). By default only when no token and no base URL are set.
   */
  sandbox?: boolean | PipelineSandboxOptions;
  /** Say nothing when starting the sandbox. */
  quiet?: boolean;
  /** Live displays in waits unless told otherwise. Default: in Jupyter and terminals. */
  display?: boolean;
}

function env(name: string): string | undefined {
  try {
    const value = Deno.env.get(name);
    return value && value.trim() !== "" ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the embedded pipeline sandbox keeps its data.
 *
 * @example
 * ```ts
 * import { defaultPipelineDatabase } from "../../mod.ts";
 *
 * // PIPELINE_SANDBOX_DB when set, else next to the ProteinIQ sandbox's database,
 * // e.g. ~/.cache/proteiniq-notebook/sandbox.pipeline.sqlite:
 * console.log(defaultPipelineDatabase());
 * ```
 */
export function defaultPipelineDatabase(): string {
  const explicit = env("PIPELINE_SANDBOX_DB");
  if (explicit) return explicit;
  const main = defaultSandboxDatabase();
  if (main === ":memory:") return main;
  return main.replace(/(\.sqlite3?|\.db)?$/, ".pipeline.sqlite");
}

let shared: Promise<PipelineSandbox> | undefined;
let announced = false;

async function startEmbedded(
  options: PipelineSandboxOptions | undefined,
  quiet: boolean,
): Promise<PipelineSandbox> {
  const { startPipelineSandbox } = await import("./sandbox.ts");
  const start = () =>
    startPipelineSandbox({ database: defaultPipelineDatabase(), unref: true, ...options });
  const sandbox = options ? await start() : await (shared ??= start());
  if (!quiet && (!announced || options)) {
    announced = true;
    console.log(
      `pipeline: no PIPELINE_API_TOKEN configured — using the embedded pipeline sandbox at ${sandbox.url} ` +
        `(data in ${options?.database ?? defaultPipelineDatabase()}). Set PIPELINE_API_TOKEN and ` +
        "PIPELINE_API_URL to use the real service.",
    );
  }
  return sandbox;
}

/**
 * Connect to the pipeline-job API, or to the embedded pipeline sandbox when nothing is
 * configured.
 *
 * @example
 * ```ts
 * import { connectPipeline } from "./connect.ts";
 * await using pipe = await connectPipeline({ sandbox: { pace: "quick" }, quiet: true });
 * console.log((await pipe.variants.list()).map((variant) => variant.name));
 * ```
 */
export async function connectPipeline(
  options: ConnectPipelineOptions = {},
): Promise<PipelineClient> {
  const token = options.token ?? env("PIPELINE_API_TOKEN");
  const baseUrl = options.baseUrl ?? env("PIPELINE_API_URL");
  const useSandbox = options.sandbox === true || typeof options.sandbox === "object" ||
    (options.sandbox === undefined && !token && !baseUrl);
  if (useSandbox) {
    const sandboxOptions = typeof options.sandbox === "object" ? options.sandbox : undefined;
    const sandbox = await startEmbedded(sandboxOptions, options.quiet ?? false);
    const client = new PipelineClient({
      polling: PIPELINE_SANDBOX_POLLING,
      ...options,
      token: sandbox.token,
      baseUrl: sandbox.url,
    });
    if (sandboxOptions) client.onClose(() => sandbox.close());
    return client;
  }
  if (!token || !baseUrl) {
    throw new ConfigurationError(
      token
        ? "PIPELINE_API_TOKEN is set but PIPELINE_API_URL is not; set the vendor's base URL (e.g. https://api.example.com)"
        : `PIPELINE_API_URL is set (${baseUrl}) but PIPELINE_API_TOKEN is not; set the token, or unset PIPELINE_API_URL to use the embedded sandbox`,
    );
  }
  return new PipelineClient({ ...options, token, baseUrl });
}
