/**
 * Fault injection: the documented switch that makes the sandbox behave like a busy service
 * behind a flaky network, so clients can prove they survive it.
 *
 * A {@linkcode FaultProfile} applies to every `/api/v1` request (or only to the routes it
 * names) in this order:
 *
 * 1. `latencyMs` — wait before handling (a number, or a `[min, max]` range drawn uniformly).
 * 2. `errorRate` — answer that share of requests with an injected error *without running the
 *    handler*: a status drawn from `errorStatuses` (default 429, 502, 503, 504), the documented
 *    envelope (`rate_limited` for 429, `internal_error` for 5xx, with that status), and
 *    `Retry-After: retryAfterSeconds` (default 1) on 429 and 503. 429s also carry the
 *    `X-RateLimit-*` headers.
 * 3. The handler runs and commits.
 * 4. `dropAfterCommitRate` — lose that share of responses. With the front door (a sandbox
 *    started with a `faults` option, or the CLI's `--faults`), the connection is closed before
 *    a single byte of the response: `fetch` rejects with a network error. Without it, Deno's
 *    server has already committed to a status line, so the status line and headers are sent
 *    and the body then fails (the connection is reset mid-body): `fetch` resolves and reading
 *    the body rejects. Clients must treat both as "response lost" and retry with the same
 *    `Idempotency-Key`.
 * 5. `cutEventsAfter` — event streams end after that many events, without a terminal event
 *    (the response ends normally; the client must reconnect with `Last-Event-ID`).
 *
 * Every injected response carries `X-Sandbox-Fault` (`error`) so logs can tell them apart;
 * a lost response carries nothing, by definition. With `seed`, the sequence of choices is
 * deterministic for a given sequence of requests.
 *
 * @example
 * ```ts
 * import { startSandbox } from "./mod.ts";
 * await using sandbox = await startSandbox({
 *   database: ":memory:",
 *   pace: "instant",
 *   faults: { dropAfterCommitRate: 0.3, routes: ["submitJob"], seed: 7 },
 * });
 * sandbox.setFaults(null); // back to a healthy service
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import { type RouteName, ROUTES } from "../contract/routes.ts";
import { routeOf } from "./_http.ts";
import type { FrontDoor } from "./_front.ts";
import { newId } from "./_util.ts";

/** Pseudo-route names the fault switch understands besides the keys of `ROUTES`. */
export const EXTRA_FAULT_ROUTES = ["openapi", "download"] as const;

/** A route name a fault profile may target. */
export type FaultRoute = RouteName | typeof EXTRA_FAULT_ROUTES[number];

/** What to break, and how often. See the module documentation for the exact semantics. */
export interface FaultProfile {
  /** Added before handling: milliseconds, or a `[min, max]` range drawn uniformly. */
  latencyMs?: number | [number, number];
  /** Share (0..1) of requests answered with an injected error instead of being handled. */
  errorRate?: number;
  /** Statuses injected errors are drawn from; default `[429, 502, 503, 504]`. */
  errorStatuses?: number[];
  /** `Retry-After` seconds on injected 429 and 503 answers; default 1. */
  retryAfterSeconds?: number;
  /** Share (0..1) of requests that are handled (and commit) but whose response is lost. */
  dropAfterCommitRate?: number;
  /** Event streams end (no terminal event) after this many events. */
  cutEventsAfter?: number;
  /** `ROUTES` keys (plus `"openapi"`, `"download"`) this applies to; default every `/api/v1` route. */
  routes?: string[];
  /** Seed for deterministic choices. */
  seed?: number;
}

const Share = z.number().min(0).max(1);
const routeNames: [string, ...string[]] = [...EXTRA_FAULT_ROUTES, ...Object.keys(ROUTES)];

/** The profile as a strict zod schema (the CLI's `--faults` JSON is parsed with it). */
export const FaultProfileSchema = z.strictObject({
  latencyMs: z.union([
    z.number().min(0).max(600_000),
    z.tuple([z.number().min(0).max(600_000), z.number().min(0).max(600_000)])
      .refine(([min, max]) => min <= max, "latencyMs range must be [min, max] with min <= max"),
  ]).optional(),
  errorRate: Share.optional(),
  errorStatuses: z.array(z.number().int().min(400).max(599)).min(1).optional(),
  retryAfterSeconds: z.number().min(0).max(3600).optional(),
  dropAfterCommitRate: Share.optional(),
  cutEventsAfter: z.number().int().min(1).optional(),
  routes: z.array(z.enum(routeNames)).optional(),
  seed: z.number().int().optional(),
});

/**
 * Check a profile, throwing a `TypeError` that names every problem.
 *
 * @example
 * ```ts
 * import { parseFaultProfile } from "./_faults.ts";
 * parseFaultProfile({ errorRate: 0.2 }); // ok
 * ```
 */
export function parseFaultProfile(value: unknown): FaultProfile {
  const parsed = FaultProfileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    `${issue.path.join(".") || "(profile)"}: ${issue.message}`
  );
  throw new TypeError(`invalid fault profile: ${problems.join("; ")}`);
}

/** What the switch did so far (since the sandbox started). */
export interface FaultStats {
  /** Requests the active profile applied to. */
  requests: number;
  /** Requests that waited for injected latency. */
  delayed: number;
  /** Injected error answers, by status. */
  injected: Record<number, number>;
  /** Responses lost after their handler ran. */
  dropped: number;
  /** How lost responses looked on the wire: connections cut before the status line, or bodies reset. */
  dropMode: "connection" | "body";
  /** Event streams ended early by `cutEventsAfter`. */
  cutStreams: number;
}

/** mulberry32: a tiny seeded generator, good enough to pick faults reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Marks a body deliberately failed by a lost-response fault (the server logs nothing for it). */
export class LostResponse extends Error {
  /** A lost response. */
  constructor() {
    super("response lost (sandbox fault injection)");
    this.name = "LostResponse";
  }
}

const MESSAGES: Record<number, string> = {
  429: "Too many requests",
  500: "Unexpected server error",
  502: "Bad gateway: the upstream service did not answer properly",
  503: "Service temporarily unavailable",
  504: "Gateway timeout: the upstream service took too long",
};

/** Applies the current fault profile to requests. */
export class FaultInjector {
  #profile: FaultProfile | null = null;
  #routes: ReadonlySet<string> | null = null;
  #random: () => number = Math.random;
  readonly #front: FrontDoor | undefined;
  readonly #stats: FaultStats;

  /** An injector; `front` enables connection-level drops. */
  constructor(profile: FaultProfile | null, front?: FrontDoor) {
    this.#front = front;
    this.#stats = {
      requests: 0,
      delayed: 0,
      injected: {},
      dropped: 0,
      dropMode: front ? "connection" : "body",
      cutStreams: 0,
    };
    this.set(profile);
  }

  /** Replace the profile (`null` turns faults off). */
  set(profile: FaultProfile | null): void {
    this.#profile = profile === null ? null : parseFaultProfile(profile);
    this.#routes = this.#profile?.routes ? new Set(this.#profile.routes) : null;
    this.#random = this.#profile?.seed !== undefined
      ? seededRandom(this.#profile.seed)
      : Math.random;
  }

  /** The active profile, if any. */
  get profile(): FaultProfile | null {
    return this.#profile ? structuredClone(this.#profile) : null;
  }

  /** A copy of the counters. */
  get stats(): FaultStats {
    return structuredClone(this.#stats);
  }

  #applies(route: FaultRoute | undefined, pathname: string): boolean {
    if (!this.#profile) return false;
    if (this.#routes) return route !== undefined && this.#routes.has(route);
    return pathname.startsWith("/api/v1/");
  }

  /** For the events route: after how many events this stream should end, if at all. */
  eventCutAfter(): number | undefined {
    const cut = this.#profile?.cutEventsAfter;
    if (cut === undefined || !this.#applies("jobEvents", "/api/v1/")) return undefined;
    return cut;
  }

  /** Count a stream the events route ended early. */
  noteCutStream(): void {
    this.#stats.cutStreams++;
  }

  /**
   * Handle one request through the profile. `handle` runs the real handler; `remotePort` is
   * the request's remote port (the front door's upstream port when there is one).
   */
  async apply(
    request: Request,
    remotePort: number | undefined,
    handle: () => Promise<Response>,
  ): Promise<Response> {
    const profile = this.#profile;
    const url = new URL(request.url);
    const route = faultRouteOf(request.method, url.pathname);
    if (!profile || !this.#applies(route, url.pathname)) return await handle();
    this.#stats.requests++;

    const latency = this.#latency(profile);
    if (latency > 0) {
      this.#stats.delayed++;
      await new Promise((resolve) => setTimeout(resolve, latency));
    }
    if (profile.errorRate && this.#random() < profile.errorRate) {
      const statuses = profile.errorStatuses ?? [429, 502, 503, 504];
      const status = statuses[Math.floor(this.#random() * statuses.length)] ?? 503;
      this.#stats.injected[status] = (this.#stats.injected[status] ?? 0) + 1;
      await request.body?.cancel().catch(() => {});
      return injectedError(status, profile.retryAfterSeconds ?? 1);
    }
    const response = await handle();
    if (profile.dropAfterCommitRate && this.#random() < profile.dropAfterCommitRate) {
      this.#stats.dropped++;
      await response.body?.cancel().catch(() => {});
      if (this.#front && remotePort !== undefined && this.#front.cut(remotePort)) {
        // The client's connection is gone; nothing of this response reaches it.
        return new Response(null, { status: 204 });
      }
      return lostBody(response);
    }
    return response;
  }

  #latency(profile: FaultProfile): number {
    const latency = profile.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === "number") return latency;
    const [min, max] = latency;
    return min + this.#random() * (max - min);
  }
}

/** The route name of a request, for fault targeting. */
export function faultRouteOf(method: string, pathname: string): FaultRoute | undefined {
  if (pathname === "/api/v1/openapi.json") return "openapi";
  if (pathname.startsWith("/_sandbox/download/")) return "download";
  return routeOf(method, pathname);
}

function injectedError(status: number, retryAfterSeconds: number): Response {
  const headers = new Headers({
    "Content-Type": "application/json",
    "X-Sandbox-Fault": "error",
    "X-Request-Id": newId("req", 16),
  });
  const retryAfter = String(Math.max(0, Math.ceil(retryAfterSeconds)));
  if (status === 429 || status === 503) headers.set("Retry-After", retryAfter);
  if (status === 429) {
    headers.set("X-RateLimit-Remaining", "0");
    headers.set("X-RateLimit-Reset", new Date(Date.now() + retryAfterSeconds * 1000).toISOString());
  }
  const code = status === 429 ? "rate_limited" : "internal_error";
  const message = `${MESSAGES[status] ?? `HTTP ${status}`} (sandbox fault injection)`;
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers });
}

/** Headers go out, then the body fails: the fallback when the connection cannot be cut. */
function lostBody(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(
    new ReadableStream({
      pull(controller) {
        controller.error(new LostResponse());
      },
    }),
    { status: response.status, headers },
  );
}
