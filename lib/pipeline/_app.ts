/**
 * The pipeline sandbox's HTTP app (hono): bearer-token auth per org, a per-token rate limit,
 * the routes of {@linkcode PIPELINE_ROUTES}, and FastAPI-shaped errors on every failure path
 * (unknown routes, wrong methods, malformed JSON, bodies too large) — a client's mistake is
 * always a 4xx, never a 500.
 * @module
 */
import { type Context, Hono } from "../_deps/hono.ts";

import type { z } from "../_deps/zod.ts";

import { PIPELINE_ROUTES, type PipelineRoute, SubmitPipelineJob, Uuid } from "./contract.ts";
import { HttpProblem, type PipelineStore } from "./_store.ts";
import type { ValidationDetail } from "../contract/_wire.ts";

type Env = { Variables: { orgId: string } };

const MAX_BODY_BYTES = 64 * 1024;

/** Settings of the app. */
export interface PipelineAppOptions {
  /** Requests per token per window. Default 600. */
  rateLimit?: number;
  /** Window length in seconds. Default 60. */
  rateWindowSeconds?: number;
}

function honoPath(route: PipelineRoute): string {
  return route.path.replace(/\{(\w+)\}/g, ":$1");
}

const ROUTE_PATTERNS = Object.values(PIPELINE_ROUTES).map((route) => ({
  method: route.method,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, "[^/]+")}/?$`),
}));

/** FastAPI's validation problems from zod issues, under `where` (`body`, `path`). */
export function validationDetails(
  error: z.ZodError,
  where: string,
  input: unknown,
): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const valueAt = (path: readonly PropertyKey[]): unknown => {
    let value = input;
    for (const part of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<PropertyKey, unknown>)[part];
    }
    return value;
  };
  for (const issue of error.issues) {
    const loc = [
      where,
      ...issue.path.map((part) => typeof part === "number" ? part : String(part)),
    ];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        details.push({
          loc: [...loc, key],
          msg: "Extra inputs are not permitted",
          type: "extra_forbidden",
        });
      }
    } else if (
      issue.code === "invalid_type" && issue.path.length > 0 && valueAt(issue.path) === undefined
    ) {
      details.push({ loc, msg: "Field required", type: "missing" });
    } else if (issue.code === "invalid_type" && issue.expected === "object") {
      details.push({
        loc,
        msg: "Input should be a valid dictionary or object to extract fields from",
        type: "model_attributes_type",
      });
    } else if (issue.code === "invalid_type") {
      details.push({
        loc,
        msg: `Input should be a valid ${issue.expected}`,
        type: `${issue.expected}_type`,
      });
    } else if (issue.code === "invalid_value") {
      details.push({ loc, msg: issue.message, type: "enum" });
    } else if (issue.code === "invalid_format") {
      details.push({ loc, msg: "Input should be a valid UUID", type: "uuid_parsing" });
    } else {
      details.push({ loc, msg: issue.message, type: "value_error" });
    }
  }
  return details;
}

function problemResponse(c: Context<Env>, problem: HttpProblem): Response {
  return c.json(
    { detail: problem.detail } as Record<string, unknown>,
    problem.status as 400,
    problem.headers,
  );
}

/** Build the app over a store. */
export function createPipelineApp(
  store: PipelineStore,
  options: PipelineAppOptions = {},
): Hono<Env> {
  const app = new Hono<Env>();
  const limit = options.rateLimit ?? 600;
  const windowMs = (options.rateWindowSeconds ?? 60) * 1000;
  const windows = new Map<string, { startedAt: number; count: number }>();

  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error);
    console.error("pipeline sandbox: internal error:", error);
    return c.json({ detail: "Internal Server Error" }, 500);
  });

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = [
      ...new Set(ROUTE_PATTERNS.filter((r) => r.pattern.test(path)).map((r) => r.method)),
    ];
    if (allowed.length > 0) {
      return c.json({ detail: "Method Not Allowed" }, 405, { Allow: allowed.join(", ") });
    }
    return c.json({ detail: "Not Found" }, 404);
  });

  // Authentication and the per-token rate limit, on every /v1 route.
  app.use("/v1/*", async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (!match) {
      throw new HttpProblem(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
    }
    const orgId = store.orgOfToken(match[1]);
    if (!orgId) {
      throw new HttpProblem(401, "Invalid or revoked token", {
        "WWW-Authenticate": 'Bearer error="invalid_token"',
      });
    }
    const now = Date.now();
    let window = windows.get(match[1]);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(match[1], window);
    }
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
    if (window.count >= limit) {
      throw new HttpProblem(
        429,
        `Rate limit exceeded: ${limit} requests per ${windowMs / 1000} s`,
        {
          "Retry-After": String(resetSeconds),
          "X-RateLimit-Limit": String(limit),
          "X-RateLimit-Remaining": "0",
        },
      );
    }
    window.count++;
    c.set("orgId", orgId);
    await next();
    c.header("X-RateLimit-Limit", String(limit));
    c.header("X-RateLimit-Remaining", String(Math.max(0, limit - window.count)));
  });

  const uuidParam = (c: Context<Env>, name: string): string => {
    const value = c.req.param(name) ?? "";
    const parsed = Uuid.safeParse(value);
    if (!parsed.success) {
      throw new HttpProblem(422, [{
        loc: ["path", name],
        msg: "Input should be a valid UUID",
        type: "uuid_parsing",
        input: value.slice(0, 100),
      }]);
    }
    return value.toLowerCase();
  };

  app.post(honoPath(PIPELINE_ROUTES.submitJob), async (c) => {
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > MAX_BODY_BYTES) throw new HttpProblem(413, "Request body too large");
    const raw = await c.req.text().catch(() => {
      throw new HttpProblem(400, "The request body could not be read");
    });
    if (raw.length > MAX_BODY_BYTES) throw new HttpProblem(413, "Request body too large");
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new HttpProblem(422, [{
        loc: ["body"],
        msg: `JSON decode error: ${(error as Error).message}`,
        type: "json_invalid",
      }]);
    }
    const parsed = SubmitPipelineJob.safeParse(json);
    if (!parsed.success) throw new HttpProblem(422, validationDetails(parsed.error, "body", json));
    const key = c.req.header("idempotency-key") ?? undefined;
    if (key !== undefined && (key.length === 0 || key.length > 255)) {
      throw new HttpProblem(422, [{
        loc: ["header", "idempotency-key"],
        msg: "String should have 1 to 255 characters",
        type: "string_too_long",
      }]);
    }
    const outcome = store.submit(c.get("orgId"), parsed.data, key);
    const headers: Record<string, string> = { Location: `/v1/jobs/${outcome.job.id}` };
    if (outcome.replayed) headers["Idempotent-Replayed"] = "true";
    return c.json(
      outcome.job as Record<string, unknown>,
      PIPELINE_ROUTES.submitJob.status,
      headers,
    );
  });

  app.get(honoPath(PIPELINE_ROUTES.getJob), (c) => {
    const jobId = uuidParam(c, "job_id");
    const job = store.job(c.get("orgId"), jobId);
    if (!job) throw new HttpProblem(404, `Job ${jobId} not found`);
    return c.json(job as Record<string, unknown>, 200);
  });

  app.get(honoPath(PIPELINE_ROUTES.jobResults), (c) => {
    const jobId = uuidParam(c, "job_id");
    return c.json(store.results(c.get("orgId"), jobId) as Record<string, unknown>, 200);
  });

  app.get(honoPath(PIPELINE_ROUTES.listVariants), (c) => {
    return c.json({ data: store.variants(c.get("orgId")) }, 200);
  });

  app.get(honoPath(PIPELINE_ROUTES.getVariant), (c) => {
    const variantId = uuidParam(c, "variant_id");
    const variant = store.variant(c.get("orgId"), variantId);
    if (!variant) throw new HttpProblem(404, `Variant ${variantId} not found`);
    return c.json(variant as Record<string, unknown>, 200);
  });

  return app;
}
