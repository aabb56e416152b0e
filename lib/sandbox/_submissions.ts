/**
 * Quote, submit and cancel: the rules that spend or return credits.
 * @module
 */
import type { z } from "../_deps/zod.ts";
import type {
  BlockingError,
  JobCancellation,
  JobQuote,
  JobResource,
  QuoteRequest,
  SubmitRequest,
} from "../contract/jobs.ts";
import { CANCELLABLE_STATUSES } from "../contract/jobs.ts";
import type { ErrorCode } from "../contract/errors.ts";
import type { SandboxContext } from "./_context.ts";
import { type CheckedRequest, checkRequest } from "./_validate.ts";
import { type Price, priceRequest } from "./_pricing.ts";
import { type ApiKeyRecord, getWorkspace, type Workspace } from "./_workspaces.ts";
import {
  countJobs,
  countJobsOnDay,
  insertJob,
  requireJob,
  toJobResource,
  updateJob,
} from "./_jobs.ts";
import { book, refundJob } from "./_credits.ts";
import { findStored, fingerprint, once, type StoredResponse } from "./_idempotency.ts";
import { ApiFailure } from "./_failure.ts";
import { readFileText } from "./_files.ts";
import { newId, nowIso } from "./_util.ts";

/** Who is asking. */
export interface Caller {
  workspace: Workspace;
  keyId: string;
  key: ApiKeyRecord;
}

const RUNNING = ["PROCESSING", "RETRY"] as const;
const ACTIVE = ["PENDING", "QUEUED", "PROCESSING", "RETRY"] as const;

/** Today's UTC date (`YYYY-MM-DD`): daily limits count the jobs created on it. */
export function utcDay(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function check(ctx: SandboxContext, caller: Caller, body: z.output<typeof QuoteRequest>) {
  // Reading a saved file is a files:read action, whichever route does it.
  const fileItem = body.input.inputs.findIndex((item) => item.source.type === "file");
  if (fileItem >= 0 && !caller.key.scopes.includes("files:read")) {
    throw new ApiFailure(
      "forbidden",
      `input.inputs[${fileItem}] references a saved file; that needs an API key with the "files:read" scope`,
      {
        details: { required_scope: "files:read", path: `input.inputs[${fileItem}].source.file_id` },
      },
    );
  }
  const checked = checkRequest(body, (fileId) => readFileText(ctx.db, caller.workspace.id, fileId));
  const cap = body.billing?.max_reserved_credits ?? body.billing?.maxReservedCredits;
  if (
    body.billing?.max_reserved_credits !== undefined &&
    body.billing?.maxReservedCredits !== undefined &&
    body.billing.max_reserved_credits !== body.billing.maxReservedCredits
  ) {
    checked.issues.push({
      path: "billing",
      message: "give max_reserved_credits or maxReservedCredits, not two different values",
    });
  }
  const price = checked.tool && checked.issues.length === 0
    ? priceRequest(checked.tool, checked.tool.units(checked.inputs, checked.settings), {
      maxReservedCredits: cap,
    })
    : undefined;
  if (price?.mode === "per_minute" && cap !== undefined && cap < (price.ratePerMinute ?? 0)) {
    checked.issues.push({
      path: "billing.max_reserved_credits",
      message:
        `A cap of ${cap} credits does not cover one minute of "${body.tool}" at ${price.ratePerMinute} credits per minute`,
    });
    return { checked, price: undefined };
  }
  return { checked, price };
}

/** Limits as the quote reports them. */
function limitsOf(ctx: SandboxContext, workspace: Workspace) {
  return {
    active_concurrent_jobs: countJobs(ctx.db, workspace.id, RUNNING),
    max_concurrent_jobs: workspace.maxConcurrentJobs,
    daily_limit_used: countJobsOnDay(ctx.db, workspace.id, utcDay()),
    daily_limit_max: workspace.dailyJobLimit,
  };
}

/** Conditions that stop a valid request from being submitted now. */
function accountBlockers(
  ctx: SandboxContext,
  workspace: Workspace,
  price: Price,
): { code: ErrorCode; message: string; details: Record<string, unknown> }[] {
  const blockers: { code: ErrorCode; message: string; details: Record<string, unknown> }[] = [];
  if (price.billable > workspace.credits) {
    blockers.push({
      code: "insufficient_credits",
      message: `This run needs ${price.billable} credits; the workspace has ${workspace.credits}`,
      details: { required_credits: price.billable, available_credits: workspace.credits },
    });
  }
  const limits = limitsOf(ctx, workspace);
  if (workspace.dailyJobLimit !== null && limits.daily_limit_used >= workspace.dailyJobLimit) {
    blockers.push({
      code: "daily_limit_exceeded",
      message: `The workspace reached its daily limit of ${workspace.dailyJobLimit} jobs`,
      details: {
        daily_limit_used: limits.daily_limit_used,
        daily_limit_max: workspace.dailyJobLimit,
      },
    });
  }
  const active = countJobs(ctx.db, workspace.id, ACTIVE);
  if (active >= workspace.maxActiveJobs) {
    blockers.push({
      code: "concurrent_job_limit_exceeded",
      message: `The workspace has ${active} unfinished jobs, its maximum; wait for one to end`,
      details: { active_jobs: active, max_active_jobs: workspace.maxActiveJobs },
    });
  }
  return blockers;
}

function validationFailure(checked: CheckedRequest): ApiFailure {
  const first = checked.issues[0];
  const more = checked.issues.length > 1 ? ` (and ${checked.issues.length - 1} more)` : "";
  return new ApiFailure(
    "validation_error",
    `Invalid request data: ${first.path}: ${first.message}${more}`,
    {
      details: { issues: checked.issues },
    },
  );
}

/** `POST /api/v1/jobs/quote`: never changes anything. */
export function quoteJob(
  ctx: SandboxContext,
  caller: Caller,
  body: z.output<typeof QuoteRequest>,
): JobQuote {
  const { checked, price } = check(ctx, caller, body);
  const blocking: z.input<typeof BlockingError>[] = checked.issues.map((issue) => ({
    code: "validation_error",
    message: issue.message,
    path: issue.path,
  }));
  if (price) {
    for (const blocker of accountBlockers(ctx, caller.workspace, price)) {
      blocking.push({ code: blocker.code, message: blocker.message });
    }
  }
  // A fixed or free price does not depend on the input, so the quote states it even while the
  // input still has problems (the documented quote of `>seq\nMKT...` shows its 50 credits).
  const model = checked.tool?.definition.credit_model;
  const shown = price ??
    (checked.tool && (model?.is_free || model?.type === "fixed" || model?.type === "free")
      ? priceRequest(checked.tool, 0)
      : undefined);
  return {
    object: "job_quote",
    tool: body.tool,
    estimated_credits: shown?.estimated ?? 0,
    available_credits: caller.workspace.credits,
    billable_credits: shown?.billable ?? 0,
    blocking_errors: blocking,
    limits: limitsOf(ctx, caller.workspace),
    billing: { mode: shown?.mode ?? "fixed" },
  };
}

/** A stored or new submission response. */
export type SubmitOutcome = StoredResponse<JobResource>;

/**
 * `POST /api/v1/jobs`. With an idempotency key, the first response is stored in the same
 * transaction as the job and its ledger entry, and replayed for the same body; another body
 * under the key is a conflict.
 */
export function submitJob(
  ctx: SandboxContext,
  caller: Caller,
  body: z.output<typeof SubmitRequest>,
  idempotencyKey: string | undefined,
): SubmitOutcome {
  const scope = {
    workspaceId: caller.workspace.id,
    key: idempotencyKey,
    operation: "submit_job" as const,
    hash: fingerprint(body),
  };
  // A replay must not depend on today's credits or limits: answer it before checking them.
  if (idempotencyKey !== undefined) {
    const stored = findStored<JobResource>(ctx.db, { ...scope, key: idempotencyKey });
    if (stored) return stored;
  }

  const { checked, price } = check(ctx, caller, body);
  if (checked.issues.length > 0 || !checked.tool || !price) throw validationFailure(checked);
  if (body.max_quoted_credits !== undefined && price.billable > body.max_quoted_credits) {
    throw new ApiFailure(
      "conflict",
      `This run would charge ${price.billable} credits, more than max_quoted_credits (${body.max_quoted_credits}); quote again`,
      {
        details: { billable_credits: price.billable, max_quoted_credits: body.max_quoted_credits },
      },
    );
  }

  // One IMMEDIATE transaction: the replay re-check, the limits, the job, its charge or
  // reservation and the stored response commit together or not at all.
  const outcome = once<JobResource>(ctx.db, scope, () => {
    const workspace = getWorkspace(ctx.db, caller.workspace.id)!;
    const blocker = accountBlockers(ctx, workspace, price)[0];
    if (blocker) throw new ApiFailure(blocker.code, blocker.message, { details: blocker.details });

    const jobId = newId("job");
    const perMinute = price.mode === "per_minute";
    const job = insertJob(ctx.db, {
      id: jobId,
      workspaceId: workspace.id,
      apiKeyId: caller.keyId,
      request: body,
      resolvedInputs: checked.inputs,
      settings: checked.settings,
      // A minute-billed job has used nothing yet: it holds a reservation.
      creditsUsed: perMinute ? 0 : price.billable,
      billing: {
        mode: price.mode,
        reserved_credits: perMinute ? price.billable : null,
        final_credits: null,
        rate_credits_per_minute: price.ratePerMinute,
        billable_runtime_seconds: null,
        outcome: null,
        finalized_at: null,
      },
      nextStepAt: Date.now() + ctx.settings.pace.pendingMs,
    });
    if (price.billable > 0) {
      book(ctx.db, {
        workspaceId: workspace.id,
        jobId,
        delta: -price.billable,
        reason: perMinute ? "reservation" : "charge",
      });
    }
    return { status: 202, body: toJobResource(job) };
  });
  if (!outcome.replayed) {
    ctx.changes.notify(outcome.body.id);
    ctx.wakeRunner();
  }
  return outcome;
}

/**
 * `POST /api/v1/jobs/{jobId}/cancel`: only PENDING or QUEUED jobs; refunds what was paid or
 * reserved. With an idempotency key a repeated cancel replays the first cancellation.
 */
export function cancelJob(
  ctx: SandboxContext,
  caller: Caller,
  jobId: string,
  idempotencyKey?: string,
): StoredResponse<JobCancellation> {
  const scope = {
    workspaceId: caller.workspace.id,
    key: idempotencyKey,
    operation: "cancel_job" as const,
    hash: fingerprint({ job_id: jobId }),
  };
  const outcome = once<JobCancellation>(ctx.db, scope, () => {
    const job = requireJob(ctx.db, caller.workspace.id, jobId);
    if (!CANCELLABLE_STATUSES.has(job.status)) {
      throw new ApiFailure(
        "conflict",
        `Job ${jobId} is ${job.status} and can no longer be cancelled; only PENDING or QUEUED jobs can`,
        { details: { current_status: job.status } },
      );
    }
    const refunded = refundJob(ctx.db, job) > 0;
    const now = nowIso();
    const updated = updateJob(ctx.db, jobId, {
      status: "CANCELLED",
      completedAt: now,
      creditsUsed: 0,
      billing: job.billing
        ? { ...job.billing, final_credits: 0, outcome: "refunded", finalized_at: now }
        : null,
    });
    return {
      status: 200,
      body: { object: "job_cancellation" as const, refunded, job: toJobResource(updated) },
    };
  });
  if (!outcome.replayed) ctx.changes.notify(jobId);
  return outcome;
}
