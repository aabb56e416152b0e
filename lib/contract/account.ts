/**
 * `GET /api/v1/account`: workspace credits, limits, rate-limit policy and key metadata.
 *
 * @example
 * ```ts
 * import { Account } from "./account.ts";
 * type A = typeof Account;
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "./_wire.ts";

/**
 * API key scopes.
 *
 * @example
 * ```ts
 * import { SCOPES, startSandbox } from "../../mod.ts";
 *
 * await using sandbox = await startSandbox({ pace: "instant" });
 * // A key for a dashboard: it may read jobs and files, but not submit or upload.
 * const readOnly = SCOPES.filter((scope) => scope.endsWith(":read"));
 * const key = sandbox.createApiKey(sandbox.workspaceId, { scopes: readOnly });
 * ```
 */
export const SCOPES = ["jobs:read", "jobs:write", "files:read", "files:write"] as const;
/** A key scope. */
export type Scope = typeof SCOPES[number];

/** The account resource. */
export const Account = z.looseObject({
  object: z.literal("account"),
  workspace: z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    plan: z.looseObject({ tier: z.string(), paid: z.boolean() }),
    credits: z.looseObject({ available: z.number() }),
  }),
  limits: z.looseObject({
    active_jobs: z.number().int(),
    concurrent_jobs: z.looseObject({ max: z.number().int(), remaining: z.number().int() }),
    daily_jobs: z.looseObject({ used: z.number().int(), max: z.number().int().nullable() })
      .optional(),
    public_api_rate_limit: z.looseObject({
      limit: z.number().int(),
      window_seconds: z.number().int(),
    }),
  }),
  api_key: z.looseObject({
    id: z.string(),
    env: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
  }),
}).meta({ id: "Account" });

/** The parsed account. */
export type Account = Wire.Account;
