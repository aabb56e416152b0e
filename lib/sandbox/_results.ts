/**
 * Results and their files: storing a finished run's output, answering the results route
 * with signed, expiring download URLs, and checking those signatures on download.
 * @module
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { JobResult } from "../contract/results.ts";
import { RESULT_READY_STATUSES, TERMINAL_STATUSES } from "../contract/jobs.ts";
import type { SandboxContext } from "./_context.ts";
import { type Database, number, text } from "./_db.ts";
import { ApiFailure } from "./_failure.ts";
import { deleteBlob, getBlob, putBlob, type StoredBlob } from "./_files.ts";
import { requireJob } from "./_jobs.ts";
import type { ToolOutput } from "./tools/_types.ts";
import { nowIso } from "./_util.ts";

/** URL path prefix of signed downloads. */
export const DOWNLOAD_PREFIX = "/_sandbox/download/";

/** Store a run's structured output and files. Call inside the completion transaction. */
export function storeResult(
  db: Database,
  job: { id: string; workspaceId: string },
  output: ToolOutput,
): void {
  db.run("DELETE FROM result_files WHERE job_id = ?", job.id);
  db.run("DELETE FROM results WHERE job_id = ?", job.id);
  output.files.forEach((file, ordinal) => {
    const key = `outputs/${job.id}/${file.name}`;
    deleteBlob(db, key);
    putBlob(db, {
      key,
      workspaceId: job.workspaceId,
      contentType: file.content_type,
      data: typeof file.data === "string" ? new TextEncoder().encode(file.data) : file.data,
    });
    db.run(
      "INSERT INTO result_files (job_id, ordinal, name, blob_key, content_type) VALUES (?, ?, ?, ?, ?)",
      job.id,
      ordinal,
      file.name,
      key,
      file.content_type,
    );
  });
  db.run(
    "INSERT INTO results (job_id, data_source, results, created_at) VALUES (?, 'sandbox', ?, ?)",
    job.id,
    JSON.stringify(output.results),
    nowIso(),
  );
}

function signature(secret: string, key: string, expires: number): string {
  return createHmac("sha256", secret).update(`${key}\n${expires}`).digest("hex");
}

/** A signed download URL for a stored object. */
export function signUrl(ctx: SandboxContext, origin: string, key: string): {
  url: string;
  expiresAt: string;
} {
  const expires = Math.floor(Date.now() / 1000) + ctx.settings.signedUrlTtlSeconds;
  const path = key.split("/").map(encodeURIComponent).join("/");
  const query = new URLSearchParams({
    expires: String(expires),
    signature: signature(ctx.signingSecret, key, expires),
  });
  return {
    url: `${origin}${DOWNLOAD_PREFIX}${path}?${query}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

/**
 * Check a download request's signature and expiry and return the object.
 * Tampering and expiry are both `403 forbidden`, with messages that tell them apart.
 */
export function verifyDownload(
  ctx: SandboxContext,
  key: string,
  params: URLSearchParams,
): StoredBlob {
  const expires = Number(params.get("expires"));
  const presented = params.get("signature") ?? "";
  if (!Number.isInteger(expires) || !/^[0-9a-f]{64}$/.test(presented)) {
    throw new ApiFailure("forbidden", "This download URL is not signed; fetch the result again");
  }
  const expected = Buffer.from(signature(ctx.signingSecret, key, expires), "hex");
  const given = Buffer.from(presented, "hex");
  if (!timingSafeEqual(expected, given)) {
    throw new ApiFailure("forbidden", "The download URL's signature does not match");
  }
  if (expires * 1000 < Date.now()) {
    throw new ApiFailure(
      "forbidden",
      "This signed download URL has expired; fetch the result again for a fresh one",
      { details: { reason: "expired", expired_at: new Date(expires * 1000).toISOString() } },
    );
  }
  const blob = getBlob(ctx.db, key);
  if (!blob) throw new ApiFailure("not_found", "The file behind this URL no longer exists");
  return blob;
}

/** `GET /api/v1/results/{jobId}`. */
export function getResult(
  ctx: SandboxContext,
  workspaceId: string,
  jobId: string,
  origin: string,
): JobResult {
  const job = requireJob(ctx.db, workspaceId, jobId);
  if (!TERMINAL_STATUSES.has(job.status)) {
    throw new ApiFailure("job_not_completed", "Job is not yet completed", {
      details: { current_status: job.status },
      headers: { "Retry-After": "5" },
    });
  }
  const stored = ctx.db.get("SELECT * FROM results WHERE job_id = ?", jobId);
  if (!stored || !RESULT_READY_STATUSES.has(job.status)) {
    throw new ApiFailure("not_found", `Job ${jobId} ended ${job.status} without a result`, {
      details: { current_status: job.status },
    });
  }
  const files = ctx.db.all("SELECT * FROM result_files WHERE job_id = ? ORDER BY ordinal", jobId)
    .map((row) => {
      const key = text(row, "blob_key");
      const signed = signUrl(ctx, origin, key);
      const blob = ctx.db.get("SELECT size_bytes FROM blobs WHERE key = ?", key);
      return {
        name: text(row, "name"),
        key,
        content_type: text(row, "content_type"),
        url: signed.url,
        expires_at: signed.expiresAt,
        ...(blob ? { size_bytes: number(blob, "size_bytes") } : {}),
      };
    });
  return {
    object: "job_result",
    job_id: job.id,
    tool: job.tool,
    status: job.status,
    completed_at: job.completedAt,
    data_source: text(stored, "data_source"),
    files,
    results: JSON.parse(text(stored, "results")),
  };
}
