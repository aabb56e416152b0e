/**
 * `GET /api/v1/openapi.json`, generated from the same route table and zod schemas the
 * sandbox validates with and the client parses with.
 * @module
 */
import { OpenApiGeneratorV31, OpenAPIRegistry } from "../_deps/zod_to_openapi.ts";
import { z } from "../_deps/zod.ts";
import { ERROR_STATUS } from "../contract/errors.ts";
import { ErrorResponse, ROUTES, type RouteSpec } from "../contract/routes.ts";
import { FileUploadJson } from "../contract/files.ts";

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted (a replayed idempotent submission answers with the stored status)",
  400: "invalid_json or validation_error",
  401: "unauthorized",
  402:
    "insufficient_credits, paid_plan_required, daily_limit_exceeded or concurrent_job_limit_exceeded",
  403: "forbidden",
  404: "not_found, user_not_found or team_not_found",
  405: "method_not_allowed",
  409: "conflict or job_not_completed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited (see Retry-After)",
  500: "internal_error",
};

function requestBody(name: string, spec: RouteSpec) {
  if (name === "uploadFile") {
    return {
      content: {
        "multipart/form-data": {
          schema: z.object({
            file: z.string().meta({ format: "binary" }),
            filename: z.string().optional(),
            mime_type: z.string().optional(),
            description: z.string().optional(),
          }),
        },
        "application/json": { schema: FileUploadJson },
      },
      required: true,
    };
  }
  return spec.body
    ? { content: { "application/json": { schema: spec.body } }, required: true }
    : undefined;
}

/** Operations that honour idempotency keys (submission as documented; uploads and cancels too). */
const IDEMPOTENT = new Set(["submitJob", "uploadFile", "cancelJob"]);

const IdempotencyHeaders = z.object({
  "idempotency-key": z.string().min(1).max(255).optional().meta({
    description: "Makes retries safe: the same key and body replay the stored response " +
      "(Idempotent-Replayed: true); another body under the key is 409 conflict. Scoped to " +
      "the workspace. X-Idempotency-Key also works.",
  }),
});

const EventHeaders = z.object({
  "last-event-id": z.string().max(20).optional().meta({
    description: "Resume after this event id (each event's id is its position in the job's log)",
  }),
});

const RETRY_AFTER = {
  "Retry-After": {
    description: "Seconds to wait before retrying",
    schema: { type: "integer" as const },
  },
};

const RATE_HEADERS = {
  "X-RateLimit-Limit": {
    description: "Requests allowed per window for this API key",
    schema: { type: "integer" as const },
  },
  "X-RateLimit-Remaining": {
    description: "Requests left in the current window",
    schema: { type: "integer" as const },
  },
  "X-RateLimit-Reset": {
    description: "ISO-8601 timestamp when the window resets",
    schema: { type: "string" as const },
  },
};

const RATE_LIMITED_HEADERS = { ...RETRY_AFTER, ...RATE_HEADERS };

let cached: unknown;

/** The OpenAPI 3.1 document. */
export function openApiDocument(): unknown {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "pq_live_<keyId>_<secret>",
  });
  for (const [name, spec] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    const responses: Record<
      number,
      {
        description: string;
        content?: Record<string, { schema: z.ZodType }>;
        headers?: Record<string, { description: string; schema: { type: "string" | "integer" } }>;
      }
    > = {
      [spec.status]: {
        description: STATUS_TEXT[spec.status],
        content: {
          [name === "jobEvents" ? "text/event-stream" : "application/json"]: {
            schema: spec.response,
          },
        },
      },
    };
    for (const status of new Set([...spec.errors, 400, 405])) {
      if (
        status === 400 && !spec.errors.includes(400) && !spec.body && !spec.query && !spec.params
      ) {
        continue;
      }
      responses[status] = {
        description: STATUS_TEXT[status] ?? "error",
        content: { "application/json": { schema: ErrorResponse } },
        ...(status === 429 ? { headers: RATE_LIMITED_HEADERS } : {}),
        ...(status === 409 && name === "getResult" ? { headers: RETRY_AFTER } : {}),
      };
    }
    if (spec.scope) responses[spec.status].headers = RATE_HEADERS;
    registry.registerPath({
      operationId: name,
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      security: spec.scope ? [{ bearer: [] }] : [],
      request: {
        params: spec.params,
        query: spec.query,
        body: requestBody(name, spec),
        ...(IDEMPOTENT.has(name) ? { headers: IdempotencyHeaders } : {}),
        ...(name === "jobEvents" ? { headers: EventHeaders } : {}),
      },
      responses,
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "ProteinIQ API (proteiniq-notebook sandbox)",
      version: "v1",
      description: `Error codes: ${Object.keys(ERROR_STATUS).join(", ")}`,
    },
    servers: [{ url: "/" }],
  });
  return cached;
}
