/**
 * Request plumbing shared by the sandbox routes: mounting a route of the contract with its
 * schemas, reading JSON bodies, turning zod issues into `validation_error` details.
 * @module
 */
import type { Context, Hono } from "../_deps/hono.ts";
import type { z } from "../_deps/zod.ts";
import { type RouteName, ROUTES, type RouteSpec } from "../contract/routes.ts";
import type { SandboxContext } from "./_context.ts";
import { ApiFailure } from "./_failure.ts";
import { issuesOf } from "../contract/issues.ts";
import { authenticate } from "./_workspaces.ts";
import type { Caller } from "./_submissions.ts";

/**
 * The sandbox's own limits on a request's header section, below Deno's (about 64 KiB and 128
 * fields, past which Deno answers an empty `400` before any handler runs): within Deno's limits
 * but past these, the answer is a `431` with the error envelope.
 */
export const HEADER_LIMITS = { bytes: 32 * 1024, fields: 100 } as const;

/**
 * Throw `431 request_header_fields_too_large` when `headers` pass {@linkcode HEADER_LIMITS}.
 *
 * @example
 * ```ts
 * import { checkHeaderSection } from "./_http.ts";
 * checkHeaderSection(new Headers({ accept: "application/json" })); // fine: no throw
 * ```
 */
export function checkHeaderSection(headers: Headers): void {
  let bytes = 0;
  let fields = 0;
  for (const [name, value] of headers) {
    // name, ": ", value, CRLF — as on the wire (repeated fields arrive joined here).
    bytes += name.length + value.length + 4;
    fields++;
  }
  if (bytes > HEADER_LIMITS.bytes || fields > HEADER_LIMITS.fields) {
    throw new ApiFailure(
      "request_header_fields_too_large",
      `The request's headers are too large (${fields} fields, ${bytes} bytes; at most ` +
        `${HEADER_LIMITS.fields} fields and ${HEADER_LIMITS.bytes} bytes)`,
      {
        details: {
          fields,
          bytes,
          max_fields: HEADER_LIMITS.fields,
          max_bytes: HEADER_LIMITS.bytes,
        },
      },
    );
  }
}

/** Hono environment of the sandbox app. */
export type SandboxEnv = { Variables: { requestId: string } };

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a mounted handler receives. */
export interface RouteRequest<S extends RouteSpec> {
  c: Context<SandboxEnv>;
  caller: Caller;
  params: Infer<S["params"]>;
  query: Infer<S["query"]>;
  body: Infer<S["body"]>;
}

const ROUTE_PATTERNS = (Object.entries(ROUTES) as [RouteName, RouteSpec][]).map(
  ([name, spec]) => ({
    name,
    method: spec.method.toUpperCase(),
    pattern: new RegExp(`^${spec.path.replace(/\{\w+\}/g, "[^/]+")}/?$`),
  }),
);

/** The route a request addresses, if any (HEAD counts as GET). */
export function routeOf(method: string, pathname: string): RouteName | undefined {
  const wanted = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return ROUTE_PATTERNS.find((r) => r.method === wanted && r.pattern.test(pathname))?.name;
}

/** Methods some route accepts on this path (for `405 method_not_allowed`). */
export function allowedMethods(pathname: string): string[] {
  return [
    ...new Set(ROUTE_PATTERNS.filter((r) => r.pattern.test(pathname)).map((r) => r.method)),
  ];
}

/** Convert `{jobId}` path templates to hono's `:jobId`. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/** Parse `value` or throw a `validation_error` naming each problem. */
export function parseOrFail<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error, where === "body" ? "" : where);
  const first = issues[0];
  throw new ApiFailure(
    "validation_error",
    `Invalid request data: ${first.path}: ${first.message}${
      issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""
    }`,
    { details: { issues } },
  );
}

/** Read a JSON body: `415` without the JSON content type, `413` past the limit, `400 invalid_json`. */
export async function readJson(c: Context<SandboxEnv>, maxBytes: number): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiFailure(
      "unsupported_media_type",
      "Send the body as JSON with 'Content-Type: application/json'",
    );
  }
  const raw = await readBody(c.req.raw, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new ApiFailure("invalid_json", "The request body is not valid UTF-8 text");
  }
  if (text.trim() === "") {
    throw new ApiFailure("invalid_json", "The request body is empty; send a JSON object");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiFailure(
      "invalid_json",
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * Read a request body, refusing it with `413` as soon as it passes `maxBytes` — before the
 * rest arrives, whether or not the client declared a `Content-Length`.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ApiFailure) throw error;
    throw new ApiFailure("validation_error", "The request body could not be read completely", {
      details: { issues: [{ path: "(body)", message: "connection closed mid-body" }] },
    });
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The `413 payload_too_large` failure. */
export function tooLarge(maxBytes: number): ApiFailure {
  return new ApiFailure("payload_too_large", `The request body is larger than ${maxBytes} bytes`, {
    details: { max_bytes: maxBytes },
  });
}

/**
 * Mount one route of the contract: authenticate, check the key's scope, parse params, query
 * and body with the route's schemas, then call the handler.
 */
export function mount<S extends RouteSpec>(
  app: Hono<SandboxEnv>,
  ctx: SandboxContext,
  spec: S,
  handler: (request: RouteRequest<S>) => Response | Promise<Response>,
): void {
  app.on(spec.method.toUpperCase(), honoPath(spec.path), async (c) => {
    const { key, workspace } = authenticate(ctx.db, c.req.header("authorization"));
    const rate = ctx.limiter.take(key.id, workspace.rateLimit, workspace.rateWindowSeconds);
    for (const [name, value] of Object.entries(rate)) c.header(name, value);
    if (spec.scope && !key.scopes.includes(spec.scope)) {
      throw new ApiFailure("forbidden", `This API key lacks the "${spec.scope}" scope`, {
        details: { required_scope: spec.scope },
      });
    }
    const params = spec.params ? parseOrFail(spec.params, c.req.param(), "path.") : undefined;
    const query = spec.query ? parseOrFail(spec.query, c.req.query(), "query.") : undefined;
    const body = spec.body
      ? parseOrFail(spec.body, await readJson(c, ctx.settings.maxJsonBytes), "body")
      : undefined;
    return await handler({
      c,
      caller: { workspace, keyId: key.id, key },
      params: params as Infer<S["params"]>,
      query: query as Infer<S["query"]>,
      body: body as Infer<S["body"]>,
    });
  });
}

/** Answer with a route's success status and a body typed by its response schema. */
export function reply<S extends RouteSpec>(
  c: Context<SandboxEnv>,
  spec: S,
  body: z.input<S["response"]>,
  headers: Record<string, string> = {},
): Response {
  return c.json(body as Record<string, unknown>, spec.status, headers);
}
