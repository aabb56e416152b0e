/**
 * `GET /api/v1/jobs/{jobId}/events`: server-sent events, one per job change, each carrying
 * the job resource as `data` and its position in the job's event log as `id`. A reconnect
 * with `Last-Event-ID` resumes after that event; the stream closes after a terminal status.
 * @module
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { TERMINAL_STATUSES } from "../contract/jobs.ts";
import type { JobStatus } from "../contract/jobs.ts";
import type { SandboxContext } from "./_context.ts";
import type { SandboxEnv } from "./_http.ts";
import { jobEventsAfter, requireJob } from "./_jobs.ts";

/** Tells clients how long to wait before reconnecting. */
export const RECONNECT_MS = 1000;
const KEEPALIVE_MS = 15_000;
/** Other processes sharing the database only reach us through the table, so poll it too. */
const POLL_MS = 250;

/** Answer an events request for a job of `workspaceId`. */
export function streamJobEvents(
  c: Context<SandboxEnv>,
  ctx: SandboxContext,
  workspaceId: string,
  jobId: string,
  options: { cutAfterEvents?: number } = {},
): Response {
  requireJob(ctx.db, workspaceId, jobId);
  const header = c.req.header("last-event-id") ?? c.req.query("last_event_id");
  let after = header && /^\d+$/.test(header) ? Number(header) : 0;
  c.header("Cache-Control", "private, no-cache, no-transform");
  return streamSSE(c, async (stream) => {
    let wake: () => void = () => {};
    const unsubscribe = ctx.changes.subscribe(jobId, () => wake());
    stream.onAbort(() => wake());
    const onClosing = () => wake();
    ctx.closing.addEventListener("abort", onClosing);
    let sent = 0;
    let lastWrite = Date.now();
    try {
      await stream.write(`retry: ${RECONNECT_MS}\n\n`);
      while (!stream.aborted && !ctx.closing.aborted) {
        let terminal = false;
        for (const event of jobEventsAfter(ctx.db, jobId, after)) {
          await stream.writeSSE({ id: String(event.seq), data: event.data });
          after = event.seq;
          sent++;
          lastWrite = Date.now();
          const status = (JSON.parse(event.data) as { status: JobStatus }).status;
          if (TERMINAL_STATUSES.has(status)) terminal = true;
          if (options.cutAfterEvents !== undefined && sent >= options.cutAfterEvents) return;
        }
        if (terminal) return;
        if (Date.now() - lastWrite >= KEEPALIVE_MS) {
          await stream.write(": keep-alive\n\n");
          lastWrite = Date.now();
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      unsubscribe();
      ctx.closing.removeEventListener("abort", onClosing);
    }
  });
}
