/**
 * The error envelope and the documented error codes of the ProteinIQ API.
 *
 * @example
 * ```ts
 * import { ErrorEnvelope } from "./errors.ts";
 * const body = ErrorEnvelope.parse({ error: { code: "not_found", message: "No such job" } });
 * console.log(body.error.code);
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "./_wire.ts";

/** Every error code the public documentation lists, with its HTTP status. */
export const ERROR_STATUS = {
  invalid_json: 400,
  validation_error: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  paid_plan_required: 402,
  daily_limit_exceeded: 402,
  concurrent_job_limit_exceeded: 402,
  forbidden: 403,
  user_not_found: 404,
  team_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  job_not_completed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // Not in the vendor's list; the sandbox answers them so that every mistake gets an envelope.
  range_not_satisfiable: 416,
  request_header_fields_too_large: 431,
  rate_limited: 429,
  internal_error: 500,
} as const;

/** A documented error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The documented error codes as a zod enum. */
export const ErrorCodeSchema = z.enum(
  Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]],
);

/** One error envelope: `{"error": {"code", "message", "details"?}}`. */
export const ErrorEnvelope = z.object({
  error: z.looseObject({
    // The client must survive codes the docs do not list yet, so this is a string.
    code: z.string().meta({ description: "Machine-readable error code", example: "not_found" }),
    message: z.string().meta({ description: "Human-readable message" }),
    details: z.record(z.string(), z.unknown()).optional().meta({
      description: "Structured details, when the route has them",
    }),
  }),
}).meta({ id: "Error" });

/** The parsed error envelope. */
export type ErrorEnvelope = Wire.ErrorEnvelope;
