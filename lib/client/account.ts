/**
 * The account resource: `GET /api/v1/account` — the workspace's credits, active jobs and
 * concurrency, the rate-limit policy, and the calling key's metadata (never its secret).
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * const piq = await connect();
 * const account = await piq.account.get();
 * console.log(account.workspace.credits.available, account.limits.public_api_rate_limit);
 * ```
 * @module
 */
import { Account as AccountSchema } from "../contract/account.ts";
import type { Account as AccountShape } from "../contract/_wire.ts";
import { ROUTES } from "../contract/routes.ts";
import type { HttpCore, RequestOptions } from "./_core.ts";

/** The account resource as the API describes it. */
export type AccountInfo = AccountShape;

/**
 * Account.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 *
 * const piq = await connect();
 * const { workspace, limits } = await piq.account.get();
 * console.log(`${workspace.credits.available} credits available`);
 * console.log(`${limits.active_jobs} of ${limits.concurrent_jobs.max} concurrent jobs in use`);
 * ```
 */
export class Account {
  readonly #core: HttpCore;

  /** Over a core. */
  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** Credits, limits, rate-limit policy and key metadata (`GET /api/v1/account`). */
  async get(options: RequestOptions = {}): Promise<AccountInfo> {
    const { data } = await this.#core.call(ROUTES.account, AccountSchema, options);
    return data;
  }
}
