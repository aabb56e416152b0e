/**
 * The pipeline sandbox: a local emulation of the second vendor's pipeline-job API
 * (seed `004`) on its own port of 127.0.0.1, with its own SQLite tables. Orgs own variants
 * and have bearer tokens; jobs run `pending → running → completed | failed` with per-job-type
 * durations and real sequence calculations (see `_pipelines.ts`).
 *
 * It lives beside the ProteinIQ sandbox rather than inside it: the two vendors have different
 * base URLs, tokens and error shapes, exactly as a notebook talking to both would see them.
 *
 * @example
 * ```ts
 * import { startPipelineSandbox } from "./sandbox.ts";

 * await using sandbox = await startPipelineSandbox({ pace: "quick" });
 * const response = await fetch(`${sandbox.url}/v1/variants`, {
 *   headers: { Authorization: `Bearer ${sandbox.token}` },
 * });
 * console.log((await response.json()).data.length); // 4 seeded variants
 * ```
 * @module
 */
import { createPipelineApp, type PipelineAppOptions } from "./_app.ts";

import { PIPELINE_PACES, type PipelinePace, PipelineStore } from "./_store.ts";
import type { Variant } from "../contract/_wire.ts";

export { PIPELINE_PACES, type PipelinePace };

/** Options of {@linkcode startPipelineSandbox}. */
export interface PipelineSandboxOptions extends PipelineAppOptions {
  /** SQLite file, or `":memory:"` (the default). */
  database?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** How long jobs take: `"demo"` (default), `"quick"`, or explicit times. */
  pace?: keyof typeof PIPELINE_PACES | PipelinePace;
  /** Let the process exit while the server is idle. */
  unref?: boolean;
}

/** A running pipeline sandbox. */
export interface PipelineSandbox extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234` (routes live under `/v1`). */
  readonly url: string;
  /** The default org's bearer token. */
  readonly token: string;
  /** The default org's id. */
  readonly orgId: string;
  /**
   * The storage, for tests and benchmarks.
   * @internal The sandbox's own plumbing, not a public API.
   */
  readonly store: PipelineStore;
  /** Another org with its own token (and optionally variants). */
  createOrg(
    options?: { name?: string; variants?: { name: string; sequence: string; chain?: string }[] },
  ): { orgId: string; token: string; variants: Variant[] };
  /** Add a variant to an org (default: the default org). */
  createVariant(
    variant: { name: string; sequence: string; chain?: string },
    orgId?: string,
  ): Variant;
  /** The variants of an org (default: the default org). */
  variants(orgId?: string): Variant[];
  /** Revoke a token. */
  revokeToken(token: string): void;
  /** Stop serving and close the database. */
  close(): Promise<void>;
}

/**
 * The variants a new default org starts with: trastuzumab's heavy and light chains, the
 * murine OKT3 heavy chain (a low-humanness example) and a trastuzumab heavy chain with an
 * ambiguous residue from sequencing — its structure, stability and immunogenicity jobs fail
 * with a clear `error_message`.
 *
 * @example
 * ```ts
 * import { SEED_VARIANTS } from "../../mod.ts";
 *
 * SEED_VARIANTS.map((variant) => variant.name);
 * // ["trastuzumab VH", "trastuzumab VL", "OKT3 VH (murine)", "trastuzumab VH (ambiguous read)"]
 * ```
 */
export const SEED_VARIANTS: readonly { name: string; chain: string; sequence: string }[] = [
  {
    name: "trastuzumab VH",
    chain: "heavy",
    sequence:
      "EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYYCSRWGGDGFYAMDYWGQGTLVTVSS",
  },
  {
    name: "trastuzumab VL",
    chain: "light",
    sequence:
      "DIQMTQSPSSLSASVGDRVTITCRASQDVNTAVAWYQQKPGKAPKLLIYSASFLYSGVPSRFSGSRSGTDFTLTISSLQPEDFATYYCQQHYTTPPTFGQGTKVEIK",
  },
  {
    name: "OKT3 VH (murine)",
    chain: "heavy",
    sequence:
      "QVQLQQSGAELARPGASVKMSCKASGYTFTRYTMHWVKQRPGQGLEWIGYINPSRGYTNYNQKFKDKATLTTDKSSSTAYMQLSSLTSEDSAVYYCARYYDDHYCLDYWGQGTTLTVSS",
  },
  {
    name: "trastuzumab VH (ambiguous read)",
    chain: "heavy",
    sequence:
      "EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYYCSRWGGDGXYAMDYWGQGTLVTVSS",
  },
];

/** The default org and its token, created on first use and kept in the database. */
function ensureDefaultOrg(store: PipelineStore): { orgId: string; token: string } {
  return store.transaction(() => {
    const orgId = store.meta("default_org_id");
    const token = store.meta("default_token");
    if (orgId && token && store.hasOrg(orgId)) {
      store.createToken(orgId, token);
      return { orgId, token };
    }
    const created = store.createOrg("Sandbox org");
    for (const variant of SEED_VARIANTS) store.createVariant(created.orgId, variant);
    store.setMeta("default_org_id", created.orgId);
    store.setMeta("default_token", created.token);
    return created;
  });
}

/**
 * Start a pipeline sandbox on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { startPipelineSandbox } from "./sandbox.ts";

 * const sandbox = await startPipelineSandbox({ database: ":memory:", pace: "quick" });
 * const other = sandbox.createOrg({ name: "Another lab" });
 * console.log(sandbox.variants().length, other.variants.length); // 4 0
 * await sandbox.close();
 * ```
 */
export async function startPipelineSandbox(
  options: PipelineSandboxOptions = {},
): Promise<PipelineSandbox> {
  const pace = typeof options.pace === "object"
    ? options.pace
    : PIPELINE_PACES[options.pace ?? "demo"];
  const store = new PipelineStore(options.database ?? ":memory:", pace);
  let defaults: { orgId: string; token: string };
  try {
    defaults = ensureDefaultOrg(store);
  } catch (error) {
    store.close();
    throw error;
  }
  const app = createPipelineApp(store, options);
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: (address) => resolve(address as Deno.NetAddr),
    onError: (error) => {
      console.error("pipeline sandbox: unhandled server error:", error);
      return new Response(JSON.stringify({ detail: "Internal Server Error" }), {
        status: 500,
        headers: { "Content-Type": "application/json" },
      });
    },
  }, app.fetch);
  if (options.unref) server.unref();
  const address = await listening;
  let closed = false;
  const sandbox: PipelineSandbox = {
    url: `http://127.0.0.1:${address.port}`,
    token: defaults.token,
    orgId: defaults.orgId,
    store,
    createOrg(orgOptions = {}) {
      const { orgId, token } = store.createOrg(orgOptions.name ?? "Another org");
      const variants = (orgOptions.variants ?? []).map((variant) =>
        store.createVariant(orgId, variant)
      );
      return { orgId, token, variants };
    },
    createVariant(variant, orgId = defaults.orgId) {
      return store.createVariant(orgId, variant);
    },
    variants(orgId = defaults.orgId) {
      return store.variants(orgId);
    },
    revokeToken(token) {
      store.revokeToken(token);
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.shutdown();
      store.close();
    },
    [Symbol.asyncDispose]() {
      return sandbox.close();
    },
  };
  return sandbox;
}
