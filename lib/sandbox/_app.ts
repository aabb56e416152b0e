/**
 * The sandbox's HTTP app: a small hono core with the contract's routes mounted on it and
 * middleware around it (request ids, the error envelope on every failure path).
 * @module
 */
import { Hono } from "../_deps/hono.ts";
import { routePath, ROUTES } from "../contract/routes.ts";
import type { Account } from "../contract/account.ts";
import type { SandboxContext } from "./_context.ts";
import { ApiFailure } from "./_failure.ts";
import {
  allowedMethods,
  checkHeaderSection,
  honoPath,
  mount,
  reply,
  type SandboxEnv,
} from "./_http.ts";
import { readUpload, settleUpload } from "./_uploads.ts";
import { cancelJob, quoteJob, submitJob, utcDay } from "./_submissions.ts";
import { countJobs, countJobsOnDay, jobResourceJson, listJobs } from "./_jobs.ts";
import { DOWNLOAD_PREFIX, getResult, verifyDownload } from "./_results.ts";
import { contentRange, resolveRange } from "./_range.ts";
import { createFile, deleteFile, getFile, listFiles } from "./_files.ts";
import { streamJobEvents } from "./_events.ts";
import { openApiDocument } from "./_openapi.ts";
import { blobResponse } from "./_download.ts";
import { findTool, TOOLS } from "./tools/mod.ts";
import { newId } from "./_util.ts";
import { fingerprint, idempotencyKeyOf, once } from "./_idempotency.ts";

/** Build the app over a sandbox context. */
export function createApp(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.use(async (c, next) => {
    const requestId = newId("req", 16);
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    checkHeaderSection(c.req.raw.headers);
    await next();
  });

  app.onError((error, c) => {
    const failure = error instanceof ApiFailure
      ? error
      : internalFailure(error, c.get("requestId"));
    return c.json(failure.toBody(), failure.status as 400, {
      ...failure.headers,
      "X-Request-Id": c.get("requestId") ?? "",
    });
  });

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(path);
    const failure = allowed.length > 0
      ? new ApiFailure("method_not_allowed", `${c.req.method} is not supported on ${path}`, {
        details: { allowed_methods: allowed },
        headers: { Allow: allowed.join(", ") },
      })
      : new ApiFailure("not_found", `No route ${c.req.method} ${path}`);
    return c.json(failure.toBody(), failure.status as 404, failure.headers);
  });

  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument() as Record<string, unknown>));

  mount(app, ctx, ROUTES.account, ({ c, caller }) => {
    const running = countJobs(ctx.db, caller.workspace.id, ["PROCESSING", "RETRY"]);
    const key = caller.key;
    const body: Account = {
      object: "account",
      workspace: {
        id: caller.workspace.id,
        name: caller.workspace.name,
        plan: { tier: caller.workspace.planTier, paid: caller.workspace.paid },
        credits: { available: caller.workspace.credits },
      },
      limits: {
        active_jobs: running,
        concurrent_jobs: {
          max: caller.workspace.maxConcurrentJobs,
          remaining: Math.max(0, caller.workspace.maxConcurrentJobs - running),
        },
        daily_jobs: {
          used: countJobsOnDay(ctx.db, caller.workspace.id, utcDay()),
          max: caller.workspace.dailyJobLimit,
        },
        public_api_rate_limit: {
          limit: caller.workspace.rateLimit,
          window_seconds: caller.workspace.rateWindowSeconds,
        },
      },
      api_key: { id: key.id, env: "LIVE", prefix: key.prefix, scopes: key.scopes },
    };
    return reply(c, ROUTES.account, body);
  });

  mount(app, ctx, ROUTES.listTools, ({ c, query }) => {
    const needle = query.q?.toLowerCase();
    const matching = TOOLS.map((tool) => tool.definition).filter((tool) =>
      (!query.category || tool.category === query.category) &&
      (!query.tag || tool.tags.includes(query.tag)) &&
      (!needle || `${tool.id} ${tool.name} ${tool.description}`.toLowerCase().includes(needle))
    );
    let start = 0;
    if (query.starting_after) {
      start = matching.findIndex((tool) => tool.id === query.starting_after) + 1;
      if (start === 0) {
        throw new ApiFailure("validation_error", "starting_after is not a cursor from this list", {
          details: { issues: [{ path: "starting_after", message: "unknown cursor" }] },
        });
      }
    }
    const page = matching.slice(start, start + query.limit);
    const hasMore = start + query.limit < matching.length;
    return reply(c, ROUTES.listTools, {
      object: "list",
      data: page.map((tool) => ({
        id: tool.id,
        object: "tool" as const,
        name: tool.name,
        description: tool.description,
        category: tool.category,
        tags: tool.tags,
        credit_model: tool.credit_model,
      })),
      has_more: hasMore,
      next_cursor: hasMore ? page[page.length - 1].id : null,
    });
  });

  mount(app, ctx, ROUTES.getTool, ({ c, params }) => {
    const tool = findTool(params.toolId);
    if (!tool) throw new ApiFailure("not_found", `No tool "${params.toolId}"`);
    const limit = ctx.settings.toolTimeLimits[tool.definition.id];
    const limits = limit === undefined
      ? tool.definition.limits
      : { ...tool.definition.limits, time_limit_seconds: limit };
    return reply(c, ROUTES.getTool, { object: "tool", ...tool.definition, limits });
  });

  mount(app, ctx, ROUTES.quoteJob, ({ c, caller, body }) => {
    return reply(c, ROUTES.quoteJob, quoteJob(ctx, caller, body));
  });

  mount(app, ctx, ROUTES.submitJob, ({ c, caller, body }) => {
    const outcome = submitJob(ctx, caller, body, idempotencyKeyOf(c));
    const headers: Record<string, string> = {
      Location: routePath(ROUTES.jobStatus, { jobId: outcome.body.id }),
    };
    if (outcome.replayed) headers["Idempotent-Replayed"] = "true";
    return c.json(outcome.body, outcome.status as 202, headers);
  });

  mount(app, ctx, ROUTES.listJobs, ({ c, caller, query }) => {
    return reply(c, ROUTES.listJobs, {
      object: "list",
      ...listJobs(ctx.db, caller.workspace.id, query),
    });
  });

  mount(app, ctx, ROUTES.jobStatus, ({ c, caller, params }) => {
    ctx.limiter.pace(caller.keyId, params.jobId, "status", ctx.settings.perJobPollMs);
    // The stored resource text as is: the same bytes the event stream carried.
    return c.body(jobResourceJson(ctx.db, caller.workspace.id, params.jobId), 200, {
      "Content-Type": "application/json",
    });
  });

  mount(app, ctx, ROUTES.cancelJob, ({ c, caller, params }) => {
    const outcome = cancelJob(ctx, caller, params.jobId, idempotencyKeyOf(c));
    return reply(
      c,
      ROUTES.cancelJob,
      outcome.body,
      outcome.replayed ? { "Idempotent-Replayed": "true" } : {},
    );
  });

  mount(app, ctx, ROUTES.jobEvents, ({ c, caller, params }) => {
    const cutAfterEvents = ctx.faults.eventCutAfter();
    return streamJobEvents(c, ctx, caller.workspace.id, params.jobId, {
      cutAfterEvents,
      onCut: () => ctx.faults.noteCutStream(),
    });
  });

  mount(app, ctx, ROUTES.getResult, ({ c, caller, params }) => {
    ctx.limiter.pace(caller.keyId, params.jobId, "results", ctx.settings.perJobPollMs);
    const origin = new URL(c.req.url).origin;
    return reply(c, ROUTES.getResult, getResult(ctx, caller.workspace.id, params.jobId, origin));
  });

  mount(app, ctx, ROUTES.listFiles, ({ c, caller, query }) => {
    return reply(c, ROUTES.listFiles, {
      object: "list",
      ...listFiles(ctx.db, caller.workspace.id, query, caller.keyId),
    });
  });

  mount(app, ctx, ROUTES.uploadFile, async ({ c, caller }) => {
    const key = idempotencyKeyOf(c);
    const upload = await readUpload(c, ctx.settings.maxUploadBytes, ctx.db);
    const scope = {
      workspaceId: caller.workspace.id,
      key,
      operation: "upload_file" as const,
      hash: fingerprint({
        name: upload.originalName,
        mime_type: upload.mimeType,
        description: upload.description ?? null,
        tags: upload.tags ?? [],
        sha256: upload.sha256,
      }),
    };
    let outcome;
    try {
      outcome = once(ctx.db, scope, () => ({
        status: 201,
        body: createFile(ctx.db, {
          workspaceId: caller.workspace.id,
          uploaderKeyId: caller.keyId,
          ...upload,
        }),
      }));
    } finally {
      settleUpload(ctx.db, upload);
    }
    return reply(c, ROUTES.uploadFile, outcome.body, {
      Location: routePath(ROUTES.getFile, { fileId: outcome.body.id }),
      ...(outcome.replayed ? { "Idempotent-Replayed": "true" } : {}),
    });
  });

  mount(app, ctx, ROUTES.getFile, ({ c, caller, params }) => {
    return reply(c, ROUTES.getFile, getFile(ctx.db, caller.workspace.id, params.fileId));
  });

  mount(app, ctx, ROUTES.deleteFile, ({ c, caller, params }) => {
    deleteFile(ctx.db, caller.workspace.id, params.fileId);
    return reply(c, ROUTES.deleteFile, { id: params.fileId, object: "file", deleted: true });
  });

  app.get(`${DOWNLOAD_PREFIX}*`, async (c) => {
    const url = new URL(c.req.url);
    let key: string;
    try {
      key = url.pathname.slice(DOWNLOAD_PREFIX.length).split("/").map(decodeURIComponent).join("/");
    } catch {
      throw new ApiFailure("not_found", "No file at this download URL");
    }
    const blob = verifyDownload(ctx, key, url.searchParams);
    const name = key.split("/").pop() ?? "download";
    const headers: Record<string, string> = {
      "Content-Type": blob.contentType,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Accept-Ranges": "bytes",
      "ETag": `"${blob.sha256}"`,
      "Cache-Control": "private, no-store",
    };
    const size = blob.size;
    const range = resolveRange(c.req.header("range"), size);
    if (range.kind === "unsatisfiable") {
      throw new ApiFailure(
        "range_not_satisfiable",
        `The requested range (${
          (c.req.header("range") ?? "").slice(0, 100)
        }) is outside this file of ${size} bytes`,
        {
          details: { size },
          headers: { "Accept-Ranges": "bytes", "Content-Range": contentRange(range, size)! },
        },
      );
    }
    return await blobResponse(blob, range, headers);
  });

  return app;
}

function internalFailure(error: unknown, requestId: string | undefined): ApiFailure {
  console.error(`sandbox: internal error in ${requestId ?? "a request"}:`, error);
  return new ApiFailure(
    "internal_error",
    `Unexpected server error (request ${requestId ?? "unknown"})`,
  );
}

/** Exposed for tests: the hono path of a contract path. */
export { honoPath };
