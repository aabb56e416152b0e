/**
 * The results resource: `GET /api/v1/results/{jobId}`.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * const piq = await connect();
 * for await (const job of piq.jobs.list({ status: "COMPLETED" })) {
 *   const result = await piq.results.get(job.id);
 *   console.log(result.records.length);
 *   break;
 * }
 * ```
 * @module
 */
import { ROUTES } from "../contract/routes.ts";
import type { ClientContext } from "./_context.ts";
import type { RequestOptions } from "./_core.ts";
import { ClientJobResult } from "./_schemas.ts";
import { Result } from "./result.ts";

/**
 * Results.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 *
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Insulin B chain",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * });
 * await job.wait({ display: false });
 * const result = await piq.results.get(job.id); // by id, e.g. in a later session
 * console.log(result.status, result.records.length);
 * ```
 */
export class Results {
  readonly #ctx: ClientContext;

  /** Over a client context. */
  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /** The result of a job that reached a result-ready status. */
  async get(jobId: string, options: RequestOptions = {}): Promise<Result> {
    const { data } = await this.#ctx.core.call(ROUTES.getResult, ClientJobResult, {
      ...options,
      params: { jobId },
    });
    return new Result(this.#ctx, data, { contract: await this.#ctx.toolContract(data.tool) });
  }
}
