/**
 * `GET /api/v1/jobs/{jobId}/events`: server-sent events, one per job change, each carrying
 * the job resource as `data` and its position in the job's event log as `id`. A reconnect
 * with `Last-Event-ID` resumes strictly after that event (nothing is sent twice); the stream
 * closes after a terminal status.
 *
 * Once a connection has sent everything the log held (it is "live"), it writes the comment
 * line `: live` — once per connection; the preamble's `: marks-live` says it will. Comments are
 * ignored by every SSE parser; a client
 * that reads them can tell a connection that only caught up on old events and was cut (a
 * stream that cannot keep up) from one that followed the job live.
 * @module
 */
import type { Context } from "../_deps/hono.ts";
import { streamSSE } from "../_deps/hono_streaming.ts";
import { TERMINAL_STATUSES } from "../contract/jobs.ts";
import type { JobStatus } from "../contract/jobs.ts";
import type { SandboxContext } from "./_context.ts";
import type { SandboxEnv } from "./_http.ts";
import { findJob, jobEventsAfter, requireJob } from "./_jobs.ts";

/** The comment a connection writes once it has caught up with the job's event log. */
export const LIVE_COMMENT = "live";
/** The preamble comment announcing {@linkcode LIVE_COMMENT}. */
export const MARKS_LIVE_COMMENT = "marks-live";
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
  options: { cutAfterEvents?: number; onCut?: () => void } = {},
): Response {
  const job = requireJob(ctx.db, workspaceId, jobId);
  const header = c.req.header("last-event-id") ?? c.req.query("last_event_id");
  // An id this job never had (garbage, or from the future) cannot skip events it will have.
  let after = header && /^\d{1,15}$/.test(header) ? Math.min(Number(header), job.eventSeq) : 0;
  const response = streamSSE(c, async (stream) => {
    // A change between reading the log and starting to wait must not be missed.
    let changed = false;
    let wake: () => void = () => {
      changed = true;
    };
    const unsubscribe = ctx.changes.subscribe(jobId, () => wake());
    stream.onAbort(() => wake());
    const onClosing = () => wake();
    ctx.closing.addEventListener("abort", onClosing);
    let sent = 0;
    let live = false;
    let lastWrite = Date.now();
    try {
      await stream.write(`retry: ${RECONNECT_MS}\n: ${MARKS_LIVE_COMMENT}\n\n`);
      while (!stream.aborted && !ctx.closing.aborted) {
        let terminal = false;
        // Read the status before the log: a terminal status seen here guarantees its event is
        // in the log (both commit together), even when another process runs the job.
        const over = isOver(ctx, jobId);
        const events = jobEventsAfter(ctx.db, jobId, after);
        // Resumed after the terminal event: nothing more will ever come.
        if (events.length === 0 && over) return;
        for (const event of events) {
          await stream.writeSSE({ id: String(event.seq), data: event.data });
          after = event.seq;
          sent++;
          lastWrite = Date.now();
          const status = (JSON.parse(event.data) as { status: JobStatus }).status;
          if (TERMINAL_STATUSES.has(status)) terminal = true;
          if (terminal) return;
          if (options.cutAfterEvents !== undefined && sent >= options.cutAfterEvents) {
            options.onCut?.();
            return;
          }
        }
        if (terminal) return;
        if (!live && !changed) {
          live = true;
          await stream.write(`: ${LIVE_COMMENT}\n\n`);
          lastWrite = Date.now();
        }
        if (Date.now() - lastWrite >= KEEPALIVE_MS) {
          await stream.write(": keep-alive\n\n");
          lastWrite = Date.now();
        }
        if (changed) {
          changed = false;
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        changed = false;
        wake = () => {
          changed = true;
        };
      }
    } finally {
      unsubscribe();
      ctx.closing.removeEventListener("abort", onClosing);
    }
  });
  // streamSSE sets a bare `no-cache`; the documented value is stricter.
  response.headers.set("Cache-Control", "private, no-cache, no-transform");
  return response;
}

/** Whether a job is terminal (or gone), so its stream has nothing more to say. */
function isOver(ctx: SandboxContext, jobId: string): boolean {
  const job = findJob(ctx.db, jobId);
  return !job || TERMINAL_STATUSES.has(job.status);
}
