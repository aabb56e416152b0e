/**
 * Helpers the batch runner shares: riding out `rate_limited` answers (the HTTP cores retry
 * a 429 a few times; a batch waits as long as the server asks, however often) and running
 * calls with bounded concurrency.
 * @module
 */
import { sleep } from "../client/_core.ts";
import { RateLimitError } from "../client/errors.ts";

/**
 * Call `fn` until it does not answer `429 rate_limited`, waiting `Retry-After` (or a
 * backoff from 1 s, doubling to 30 s, when the server gives none) between attempts.
 * `onWait` hears each wait, e.g. to tell the user.
 */
export async function riding429<T>(
  fn: () => Promise<T>,
  options: { signal?: AbortSignal; onWait?: (ms: number, error: RateLimitError) => void } = {},
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof RateLimitError)) throw error;
      const ms = error.retryAfterSeconds !== null
        ? error.retryAfterSeconds * 1000
        : Math.min(30_000, 1000 * 2 ** attempt);
      options.onWait?.(ms, error);
      await sleep(ms, options.signal);
    }
  }
}

/** Run `fn` over `values`, at most `limit` at a time; results keep the input order. */
export async function mapLimit<T, R>(
  values: readonly T[],
  limit: number,
  fn: (value: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(values.length);
  let next = 0;
  const worker = async () => {
    while (next < values.length) {
      const index = next++;
      results[index] = await fn(values[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, values.length)) }, worker));
  return results;
}
