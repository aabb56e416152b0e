/**
 * Following a job's server-sent events (`GET /api/v1/jobs/{jobId}/events`), parsed with
 * `eventsource-parser`. Each event's `data` is the job resource. When the stream breaks it
 * reconnects after the server's `retry:` interval with `Last-Event-ID`, so every change
 * arrives once and in order; events already seen are dropped. It reports the stream as
 * unavailable (so the caller can poll instead) when the route is missing (404/405/501),
 * answers something other than `text/event-stream`, or keeps failing.
 *
 * "Failing" includes falling behind: a server that writes the `: live` comment once a
 * connection has caught up (announced by `: marks-live`, as the sandbox does) lets the
 * client see a connection that was cut while it still only replayed the backlog — a stream
 * cut too often to keep up with the job. Such connections count toward the fallback, so the
 * wait polls instead of trailing the job by one stale event per reconnect.
 * @module
 */
import { EventSourceParserStream } from "../_deps/eventsource_parser_stream.ts";
import type { EventSourceMessage } from "../_deps/eventsource_parser.ts";
import { ErrorEnvelope } from "../contract/errors.ts";
import { ROUTES } from "../contract/routes.ts";
import { abortErrorOf, type HttpCore, sleep } from "./_core.ts";
import { ClientJob as ClientJobSchema } from "./_schemas.ts";
import { isTerminal } from "./_wait.ts";
import { APIError, apiErrorFor, AuthenticationError, PermissionError } from "./errors.ts";
import type { ClientJob } from "../contract/_wire.ts";

/** How events are followed. */
export interface EventsPolicy {
  /** Follow events at all (`false`: always poll). Default true. */
  enabled: boolean;
  /** Consecutive connections that fail or bring nothing new before polling instead. Default 3. */
  maxFailures: number;
  /** Reconnect delay until the server's `retry:` field sets one. Default 1000 ms. */
  defaultRetryMs: number;
  /** Longest reconnect delay after repeated failures. Default 30 s. */
  maxRetryMs: number;
  /** A connection silent this long (no event, no keep-alive) counts as broken. Default 60 s. */
  idleTimeoutMs: number;
}

/**
 * The default events policy.
 *
 * @example
 * ```ts
 * import { connect, DEFAULT_EVENTS } from "../../mod.ts";
 *
 * console.log(DEFAULT_EVENTS.idleTimeoutMs); // 60000
 * // Behind a proxy that cuts idle streams after 30 s: count silence as broken sooner.
 * const piq = await connect({ events: { idleTimeoutMs: 25_000, maxFailures: 5 } });
 * ```
 */
export const DEFAULT_EVENTS: EventsPolicy = Object.freeze({
  enabled: true,
  maxFailures: 3,
  defaultRetryMs: 1000,
  maxRetryMs: 30_000,
  idleTimeoutMs: 60_000,
});

/** How a stream session ended when it did not deliver a terminal status. */
export type EventsOutcome = { done: true } | { done: false; reason: string };

/** Statuses whose answer means "this server has no events route". */
const UNAVAILABLE = new Set([404, 405, 406, 501]);
/** Comments of servers that mark a connection as caught up (see the module documentation). */
const MARKS_LIVE = "marks-live";
const LIVE = "live";
/** The parser's buffer cap: one event is one job resource, far below this. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/** Compare event ids: numerically when both are numbers. */
function isNewer(id: string, last: string | undefined): boolean {
  if (last === undefined) return true;
  if (/^\d+$/.test(id) && /^\d+$/.test(last)) return BigInt(id) > BigInt(last);
  return id !== last;
}

/**
 * Yield the job snapshots the stream carries until a terminal one (then return
 * `{done: true}`), or return `{done: false, reason}` when events cannot be used.
 * Throws on abort and on errors that polling would hit too (authentication, permission).
 */
export async function* followEvents(
  core: HttpCore,
  jobId: string,
  policy: EventsPolicy,
  signal: AbortSignal,
): AsyncGenerator<ClientJob, EventsOutcome> {
  let lastEventId: string | undefined;
  let retryMs = policy.defaultRetryMs;
  let failures = 0;
  // Whether this server marks caught-up connections; learned from its preamble.
  let marksLive = false;
  for (;;) {
    let response: Response;
    try {
      response = await core.send(ROUTES.jobEvents, {
        params: { jobId },
        signal,
        headers: lastEventId !== undefined ? { "Last-Event-ID": lastEventId } : {},
      });
    } catch (error) {
      if (signal.aborted) throw abortErrorOf(signal);
      if (error instanceof AuthenticationError || error instanceof PermissionError) throw error;
      if (error instanceof APIError && UNAVAILABLE.has(error.status)) {
        return { done: false, reason: `the events route answered ${error.status} ${error.code}` };
      }
      failures++;
      if (failures >= policy.maxFailures) {
        return {
          done: false,
          reason: `${failures} failed connections (${(error as Error).message})`,
        };
      }
      await sleep(reconnectDelay(retryMs, failures, policy), signal);
      continue;
    }
    const type = response.headers.get("content-type") ?? "";
    if (!/^text\/event-stream\b/i.test(type)) {
      await response.body?.cancel().catch(() => undefined);
      return { done: false, reason: `the events route answered ${type || "no content type"}` };
    }
    let fresh = 0;
    let live = false;
    let broken: string | undefined;
    // Any byte (an event, a keep-alive comment) proves the connection alive.
    const activity = { at: Date.now() };
    const reader = response.body!
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            activity.at = Date.now();
            controller.enqueue(chunk);
          },
        }),
      )
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(
        new EventSourceParserStream({
          onRetry: (ms) => {
            if (Number.isFinite(ms) && ms >= 0) retryMs = ms;
          },
          onComment: (comment) => {
            const word = comment.trim();
            if (word === MARKS_LIVE) marksLive = true;
            if (word === LIVE) live = true;
          },
          maxBufferSize: MAX_EVENT_CHARS,
        }),
      )
      .getReader();
    try {
      for (;;) {
        const next = await readOrIdle(reader, policy.idleTimeoutMs, activity);
        if (next === "idle") {
          broken = `no data for ${policy.idleTimeoutMs} ms`;
          break;
        }
        if (next.done) break;
        const event = next.value;
        if (event.id !== undefined && event.id !== "") {
          if (!isNewer(event.id, lastEventId)) continue; // already delivered before a reconnect
          lastEventId = event.id;
        }
        const job = parseEvent(event, jobId);
        fresh++;
        // Progress is only progress when the connection follows the job live.
        if (!marksLive || live) failures = 0;
        yield job;
        if (isTerminal(job.status)) return { done: true };
      }
    } catch (error) {
      if (signal.aborted) throw abortErrorOf(signal);
      if (error instanceof APIError) throw error;
      if (error instanceof EventDataError) return { done: false, reason: error.message };
      broken = (error as Error).message;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (live) failures = 0;
    const behind = marksLive && !live;
    if (fresh === 0 || behind) {
      failures++;
      if (failures >= policy.maxFailures) {
        const what = fresh === 0 ? "no new event" : "only events older than the connection";
        return {
          done: false,
          reason: `${failures} connections brought ${what}${broken ? ` (${broken})` : ""}`,
        };
      }
    }
    await sleep(reconnectDelay(retryMs, failures, policy), signal);
  }
}

/** The server's retry interval, doubled per consecutive failure, capped. */
function reconnectDelay(retryMs: number, failures: number, policy: EventsPolicy): number {
  return Math.min(policy.maxRetryMs, retryMs * 2 ** Math.max(0, failures - 1));
}

/**
 * The next event, or "idle" when no byte at all (not even a keep-alive comment) arrived for
 * `idleMs` (the caller then cancels the reader).
 */
async function readOrIdle(
  reader: ReadableStreamDefaultReader<EventSourceMessage>,
  idleMs: number,
  activity: { at: number },
): Promise<ReadableStreamReadResult<EventSourceMessage> | "idle"> {
  const next = reader.read();
  for (;;) {
    const quietFor = Date.now() - activity.at;
    if (quietFor >= idleMs) return "idle";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = new Promise<"tick">((resolve) => {
      timer = setTimeout(() => resolve("tick"), idleMs - quietFor);
    });
    try {
      const outcome = await Promise.race([next, tick]);
      if (outcome !== "tick") return outcome;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An event's job resource; an `error` event carrying the error envelope becomes an error. */
function parseEvent(event: EventSourceMessage, jobId: string): ClientJob {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    throw new EventDataError(`an event of job ${jobId} is not JSON`);
  }
  const envelope = ErrorEnvelope.safeParse(json);
  if (envelope.success) {
    throw apiErrorFor({
      status: 0,
      code: envelope.data.error.code,
      message: envelope.data.error.message,
      details: envelope.data.error.details,
      method: "GET",
      path: `/api/v1/jobs/${jobId}/events`,
    });
  }
  const parsed = ClientJobSchema.safeParse(json);
  if (!parsed.success || parsed.data.id !== jobId) {
    throw new EventDataError(`an event of job ${jobId} is not this job's resource`);
  }
  return parsed.data;
}

/** An event that cannot be read: the stream is not usable, polling takes over. */
class EventDataError extends Error {}
