/**
 * Request limits: the per-key public API rate limit (a fixed window, 120 requests per 60 s
 * by default, set per workspace) and the per-key, per-job pace on `/status` and `/results`
 * (documented as once per 5 s; a sandbox setting, off in the embedded sandbox).
 *
 * Both answer `429 rate_limited` with `Retry-After` (seconds); every authenticated response
 * carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (an ISO-8601
 * timestamp, as the docs specify — not epoch seconds).
 *
 * Counters live in memory, per process: two processes sharing a database file each count
 * their own requests (a local sandbox, not a billing system).
 * @module
 */
import { ApiFailure } from "./_failure.ts";

interface Window {
  startedAt: number;
  count: number;
}

/** Headers describing the caller's rate-limit window. */
export type RateLimitHeaders = Record<
  "X-RateLimit-Limit" | "X-RateLimit-Remaining" | "X-RateLimit-Reset",
  string
>;

/** What the per-job pace guards. */
export type PacedRoute = "status" | "results";

/** Keeps the counters of one sandbox. */
export class RequestLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #lastRead = new Map<string, number>();
  #sweptAt = 0;

  /**
   * Count one request of `keyId` against `limit` per `windowSeconds`. Returns the headers to
   * send, or throws `429 rate_limited` (with the same headers and `Retry-After`) when the
   * window is full. Refused requests are not counted.
   */
  take(
    keyId: string,
    limit: number,
    windowSeconds: number,
    now: number = Date.now(),
  ): RateLimitHeaders {
    this.#sweep(now);
    const windowMs = windowSeconds * 1000;
    let window = this.#windows.get(keyId);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      this.#windows.set(keyId, window);
    }
    const resetAt = window.startedAt + windowMs;
    if (window.count >= limit) {
      const headers = rateHeaders(limit, 0, resetAt);
      throw new ApiFailure(
        "rate_limited",
        `Too many requests: this API key may make ${limit} requests per ${windowSeconds} s; ` +
          `retry after ${headers["X-RateLimit-Reset"]}`,
        {
          details: { limit, window_seconds: windowSeconds, reset_at: headers["X-RateLimit-Reset"] },
          headers: { ...headers, "Retry-After": String(secondsUntil(resetAt, now)) },
        },
      );
    }
    window.count++;
    return rateHeaders(limit, limit - window.count, resetAt);
  }

  /**
   * Enforce "at most once per `intervalMs` for one key and one job" on a paced route.
   * Throws `429 rate_limited` with `Retry-After` when the caller is too fast.
   */
  pace(
    keyId: string,
    jobId: string,
    route: PacedRoute,
    intervalMs: number,
    now: number = Date.now(),
  ): void {
    if (intervalMs <= 0) return;
    const slot = `${keyId}\n${jobId}\n${route}`;
    const last = this.#lastRead.get(slot);
    if (last !== undefined && now - last < intervalMs) {
      const retryAt = last + intervalMs;
      throw new ApiFailure(
        "rate_limited",
        `Too many requests: read /${route} of one job at most once every ${
          intervalMs / 1000
        } s; stream GET /api/v1/jobs/${jobId}/events for live updates`,
        {
          details: {
            job_id: jobId,
            min_interval_seconds: intervalMs / 1000,
            retry_at: new Date(retryAt).toISOString(),
          },
          headers: { "Retry-After": String(secondsUntil(retryAt, now)) },
        },
      );
    }
    this.#lastRead.set(slot, now);
  }

  /** Forget windows and reads old enough not to matter, so the maps stay small. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < 60_000) return;
    this.#sweptAt = now;
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt > 3_600_000) this.#windows.delete(key);
    }
    for (const [slot, at] of this.#lastRead) {
      if (now - at > 600_000) this.#lastRead.delete(slot);
    }
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

function rateHeaders(limit: number, remaining: number, resetAt: number): RateLimitHeaders {
  return {
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": String(Math.max(0, remaining)),
    "X-RateLimit-Reset": new Date(resetAt).toISOString(),
  };
}
