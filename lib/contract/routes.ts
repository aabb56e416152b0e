/**
 * The route table of the public API, written once. The sandbox mounts these routes (and
 * generates `/api/v1/openapi.json` from them); the client builds its URLs from them.
 *
 * @example
 * ```ts
 * import { ROUTES, routePath } from "./routes.ts";
 * routePath(ROUTES.jobStatus, { jobId: "job_1" }); // "/api/v1/jobs/job_1/status"
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import { PaginationQuery } from "./common.ts";
import { ErrorEnvelope } from "./errors.ts";
import {
  JobCancellation,
  JobList,
  JobListFilters,
  JobQuote,
  JobResource,
  QuoteRequest,
  SubmitRequest,
} from "./jobs.ts";
import { ToolDetail, ToolList } from "./tools.ts";
import { JobResult } from "./results.ts";
import { FileDeleted, FileList, FileListFilters, FileResource } from "./files.ts";
import { Account, type Scope } from "./account.ts";

/** Path parameter schemas. Ids are opaque strings; the pattern only keeps URLs sane. */
const Id = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, "ids are letters, digits, _ and -");

/** One route of the API. */
export interface RouteSpec {
  readonly method: "get" | "post" | "delete";
  /** OpenAPI-style path, e.g. `/api/v1/jobs/{jobId}/status`. */
  readonly path: string;
  readonly summary: string;
  /** The key scope the route needs; `null` for routes without auth. */
  readonly scope: Scope | null;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** JSON request body. */
  readonly body?: z.ZodType;
  /** The success status and its body schema. */
  readonly status: 200 | 201 | 202;
  readonly response: z.ZodType;
  /** Error statuses the route documents. */
  readonly errors: readonly number[];
}

const AUTH_ERRORS = [401, 402, 403, 404, 429, 500] as const;

/** Every public route, keyed by an operation name. */
/**
 * The operation names. Listed apart from {@linkcode ROUTES} so that the public type
 * {@linkcode RouteName} needs no inference over the schemas (JSR's "slow types"); the
 * `satisfies` below keeps the two in step.
 */
export const ROUTE_NAMES = [
  "account",
  "listTools",
  "getTool",
  "quoteJob",
  "submitJob",
  "listJobs",
  "jobStatus",
  "cancelJob",
  "jobEvents",
  "getResult",
  "listFiles",
  "uploadFile",
  "getFile",
  "deleteFile",
] as const;

/** Operation names. */
export type RouteName = typeof ROUTE_NAMES[number];

/** Every route of the API, by operation name. */
export const ROUTES = {
  account: {
    method: "get",
    path: "/api/v1/account",
    summary: "Workspace credits, concurrency, rate-limit policy and key metadata",
    scope: "jobs:read",
    status: 200,
    response: Account,
    errors: AUTH_ERRORS,
  },
  listTools: {
    method: "get",
    path: "/api/v1/tools",
    summary: "List available tools",
    scope: "jobs:read",
    query: PaginationQuery.extend({
      q: z.string().max(200).optional(),
      category: z.string().max(100).optional(),
      tag: z.string().max(100).optional(),
    }),
    status: 200,
    response: ToolList,
    errors: [400, ...AUTH_ERRORS],
  },
  getTool: {
    method: "get",
    path: "/api/v1/tools/{toolId}",
    summary: "The input contract, settings, output and credit model of one tool",
    scope: "jobs:read",
    params: z.object({ toolId: Id }),
    status: 200,
    response: ToolDetail,
    errors: AUTH_ERRORS,
  },
  quoteJob: {
    method: "post",
    path: "/api/v1/jobs/quote",
    summary: "Validate a payload and estimate credits without creating a job",
    scope: "jobs:write",
    body: QuoteRequest,
    status: 200,
    response: JobQuote,
    errors: [400, 413, 415, ...AUTH_ERRORS],
  },
  submitJob: {
    method: "post",
    path: "/api/v1/jobs",
    summary: "Create a job (send Idempotency-Key when retrying)",
    scope: "jobs:write",
    body: SubmitRequest,
    status: 202,
    response: JobResource,
    errors: [400, 409, 413, 415, ...AUTH_ERRORS],
  },
  listJobs: {
    method: "get",
    path: "/api/v1/jobs",
    summary: "List the workspace's jobs, newest first",
    scope: "jobs:read",
    query: PaginationQuery.extend(JobListFilters.shape),
    status: 200,
    response: JobList,
    errors: [400, ...AUTH_ERRORS],
  },
  jobStatus: {
    method: "get",
    path: "/api/v1/jobs/{jobId}/status",
    summary: "The current job resource",
    scope: "jobs:read",
    params: z.object({ jobId: Id }),
    status: 200,
    response: JobResource,
    errors: AUTH_ERRORS,
  },
  cancelJob: {
    method: "post",
    path: "/api/v1/jobs/{jobId}/cancel",
    summary: "Cancel a pending or queued job",
    scope: "jobs:write",
    params: z.object({ jobId: Id }),
    status: 200,
    response: JobCancellation,
    errors: [409, ...AUTH_ERRORS],
  },
  jobEvents: {
    method: "get",
    path: "/api/v1/jobs/{jobId}/events",
    summary: "Server-sent job status updates (each event's data is the job resource)",
    scope: "jobs:read",
    params: z.object({ jobId: Id }),
    status: 200,
    response: JobResource,
    errors: AUTH_ERRORS,
  },
  getResult: {
    method: "get",
    path: "/api/v1/results/{jobId}",
    summary: "Structured output and signed file download URLs",
    scope: "jobs:read",
    params: z.object({ jobId: Id }),
    status: 200,
    response: JobResult,
    errors: [409, ...AUTH_ERRORS],
  },
  listFiles: {
    method: "get",
    path: "/api/v1/files",
    summary: "List saved workspace files",
    scope: "files:read",
    query: PaginationQuery.extend(FileListFilters.shape),
    status: 200,
    response: FileList,
    errors: [400, ...AUTH_ERRORS],
  },
  uploadFile: {
    method: "post",
    path: "/api/v1/files",
    summary: "Upload a file (multipart/form-data with a `file` part, or JSON)",
    scope: "files:write",
    status: 201,
    response: FileResource,
    errors: [400, 413, 415, ...AUTH_ERRORS],
  },
  getFile: {
    method: "get",
    path: "/api/v1/files/{fileId}",
    summary: "File metadata",
    scope: "files:read",
    params: z.object({ fileId: Id }),
    status: 200,
    response: FileResource,
    errors: AUTH_ERRORS,
  },
  deleteFile: {
    method: "delete",
    path: "/api/v1/files/{fileId}",
    summary: "Delete a saved file",
    scope: "files:write",
    params: z.object({ fileId: Id }),
    status: 200,
    response: FileDeleted,
    errors: AUTH_ERRORS,
  },
} as const satisfies Record<RouteName, RouteSpec>;

/** Where the machine-readable contract is served; it needs no API key. */
export const OPENAPI_PATH = "/api/v1/openapi.json";

/** The error body every route answers with. */
export const ErrorResponse = ErrorEnvelope;

/**
 * Fill a route's `{param}` placeholders, URL-encoding each value.
 *
 * @example
 * ```ts
 * import { ROUTES, routePath } from "./routes.ts";
 * routePath(ROUTES.getResult, { jobId: "job_1" }); // "/api/v1/results/job_1"
 * ```
 */
export function routePath(route: RouteSpec, params: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
