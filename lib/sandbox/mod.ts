/**
 * The embedded sandbox: a local, ProteinIQ-compatible API server with real, small tools,
 * storing workspaces, jobs, results and files in SQLite.
 *
 * @example
 * ```ts
 * import { startSandbox } from "./mod.ts";
 * const sandbox = await startSandbox({ pace: "instant" });
 * console.log(sandbox.url); // http://127.0.0.1:<port>
 * await sandbox.close();
 * ```
 * @module
 */
import type { Scope } from "../contract/account.ts";
import { type Database, openSandboxDatabase, text } from "./_db.ts";
import {
  ChangeSignal,
  type Pace,
  PACES,
  type SandboxContext,
  type SandboxSettings,
} from "./_context.ts";
import { createApp } from "./_app.ts";
import { Runner } from "./_runner.ts";
import { WorkerPool } from "./_worker_pool.ts";
import {
  createApiKey,
  createWorkspace,
  getWorkspace,
  revokeApiKey,
  updateWorkspace,
  type Workspace,
  type WorkspaceOptions,
} from "./_workspaces.ts";
import { parseApiKey } from "../contract/keys.ts";
import { randomToken } from "./_util.ts";
import { RequestLimiter } from "./_limits.ts";
import {
  FaultInjector,
  type FaultProfile,
  FaultProfileSchema,
  type FaultStats,
  LostResponse,
  parseFaultProfile,
} from "./_faults.ts";
import { FrontDoor } from "./_front.ts";
import { blobStoreOf } from "./_blobs.ts";

export type { FaultProfile, FaultStats, Pace, SandboxSettings, Workspace, WorkspaceOptions };
export { FaultProfileSchema, PACES, parseFaultProfile };

/** Options of {@linkcode startSandbox}. */
export interface SandboxOptions {
  /** SQLite file, or `":memory:"` (the default). */
  database?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  hostname?: string;
  /** How long jobs take: `"demo"` (default), `"instant"`, or explicit stage times. */
  pace?: keyof typeof PACES | Pace;
  /** Use this key for the default workspace (it must look like `pq_live_<keyId>_<secret>`). */
  apiKey?: string;
  /** Settings of the default workspace when it is first created. */
  workspace?: WorkspaceOptions;
  /**
   * Server settings (limits, URL lifetime…), e.g. `{ maxUploadBytes: 2 * 1024 ** 3 }` to
   * accept uploads up to 2 GiB (they stream to disk next to the database).
   */
  settings?: Partial<Omit<SandboxSettings, "pace">>;
  /** Whether this process may run jobs (it still serves requests when another process does). */
  runJobs?: boolean;
  /** Let the process exit while the server is idle (for the embedded sandbox in scripts). */
  unref?: boolean;
  /**
   * Fault injection (see {@linkcode FaultProfile}). Giving this option — a profile, or `null`
   * to start healthy — also puts the front door on the port, so that lost responses are
   * connections cut before the status line; without it, {@linkcode Sandbox.setFaults} still
   * works but a lost response is a body reset after the headers.
   */
  faults?: FaultProfile | null;
}

/** A running sandbox. */
export interface Sandbox extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the API lives under `/api/v1`. */
  readonly url: string;
  /** The default workspace's API key. */
  readonly apiKey: string;
  /** The default workspace's id. */
  readonly workspaceId: string;
  /**
   * Shared state, for tests and tools that inspect the database.
   * @internal The sandbox's own plumbing (database, signals, limiter), not a public API.
   */
  readonly context: SandboxContext;
  /** Create another workspace with its own key. */
  createWorkspace(
    options?: WorkspaceOptions & { scopes?: readonly Scope[] },
  ): { workspace: Workspace; apiKey: string };
  /** Create another key for a workspace. */
  createApiKey(workspaceId: string, options?: { scopes?: readonly Scope[] }): string;
  /** Revoke a key. */
  revokeApiKey(apiKey: string): void;
  /** Change a workspace (credits, limits…). */
  updateWorkspace(workspaceId: string, changes: WorkspaceOptions): Workspace;
  /** Change the fault profile at run time; `null` turns faults off. Throws on a bad profile. */
  setFaults(profile: FaultProfile | null): void;
  /** What fault injection did so far. */
  readonly faultStats: FaultStats;
  /** Wait until the runner has no job in hand. */
  settle(): Promise<void>;
  /** Stop serving and close the database. */
  close(): Promise<void>;
}

const DEFAULT_SETTINGS: Omit<SandboxSettings, "pace"> = {
  signedUrlTtlSeconds: 900,
  perJobPollMs: 0,
  maxJsonBytes: 5 * 1024 * 1024,
  maxUploadBytes: 10 * 1024 * 1024,
  defaultTimeLimitSeconds: 120,
  billingMinuteMs: 60_000,
  toolTimeLimits: {},
};

function meta(db: Database, key: string): string | undefined {
  const row = db.get("SELECT value FROM meta WHERE key = ?", key);
  return row ? text(row, "value") : undefined;
}

function setMeta(db: Database, key: string, value: string): void {
  db.run(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    key,
    value,
  );
}

/**
 * The default workspace and its key, created on first use. The sandbox keeps the default
 * key in plain text so a restarted kernel finds the same workspace (a local sandbox only).
 */
function ensureDefaultWorkspace(
  db: Database,
  options: SandboxOptions,
): { workspaceId: string; apiKey: string } {
  return db.transaction(() => {
    let workspaceId = meta(db, "default_workspace_id");
    if (!workspaceId || !getWorkspace(db, workspaceId)) {
      workspaceId = createWorkspace(db, options.workspace).id;
      setMeta(db, "default_workspace_id", workspaceId);
    }
    let apiKey = meta(db, "default_api_key");
    if (options.apiKey && options.apiKey !== apiKey) {
      const parts = parseApiKey(options.apiKey);
      if (!parts) throw new TypeError("apiKey must look like pq_live_<keyId>_<secret>");
      if (!db.get("SELECT id FROM api_keys WHERE id = ?", parts.keyId)) {
        createApiKey(db, workspaceId, { key: options.apiKey, label: "default" });
      }
      apiKey = options.apiKey;
      setMeta(db, "default_api_key", apiKey);
    }
    if (!apiKey) {
      apiKey = createApiKey(db, workspaceId, { label: "default" }).key;
      setMeta(db, "default_api_key", apiKey);
    }
    return { workspaceId, apiKey };
  });
}

/**
 * Start a sandbox server on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { startSandbox } from "./mod.ts";
 * await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
 * const response = await fetch(`${sandbox.url}/api/v1/tools`, {
 *   headers: { Authorization: `Bearer ${sandbox.apiKey}` },
 * });
 * console.log((await response.json()).data.length);
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // Check the profile before anything is opened, so a bad one leaves nothing behind.
  const initialFaults = options.faults ? parseFaultProfile(options.faults) : null;
  const db = openSandboxDatabase(options.database ?? ":memory:");
  let signingSecret = meta(db, "signing_secret");
  if (!signingSecret) {
    signingSecret = randomToken(48);
    setMeta(db, "signing_secret", signingSecret);
  }
  const { workspaceId, apiKey } = ensureDefaultWorkspace(db, options);
  const pace = typeof options.pace === "object" ? options.pace : PACES[options.pace ?? "demo"];
  const pool = new WorkerPool();
  let runner: Runner | undefined;
  const closing = new AbortController();
  const context: SandboxContext = {
    db,
    settings: { pace, ...DEFAULT_SETTINGS, ...options.settings },
    changes: new ChangeSignal(),
    signingSecret,
    wakeRunner: () => runner?.wake(),
    closing: closing.signal,
    limiter: new RequestLimiter(),
    faults: new FaultInjector(null),
  };
  if (options.runJobs !== false) {
    runner = new Runner(context, pool);
    runner.start();
  }
  const app = createApp(context);
  const useFront = options.faults !== undefined;
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    // Behind the front door the HTTP server listens on loopback only, on a port of its own.
    hostname: useFront ? "127.0.0.1" : options.hostname ?? "127.0.0.1",
    port: useFront ? 0 : options.port ?? 0,
    onListen: (address) => resolve(address as Deno.NetAddr),
    onError: (error) => {
      if (!(error instanceof LostResponse)) {
        console.error("sandbox: unhandled server error:", error);
      }
      return new Response(
        JSON.stringify({ error: { code: "internal_error", message: "Unexpected server error" } }),
        { status: 500, headers: { "Content-Type": "application/json" } },
      );
    },
  }, (request, info) => {
    const remote = info.remoteAddr as Deno.NetAddr;
    return context.faults.apply(request, remote.port, async () => await app.fetch(request));
  });
  if (options.unref) server.unref();
  const serverAddress = await listening;
  let front: FrontDoor | undefined;
  try {
    front = useFront
      ? new FrontDoor({
        hostname: options.hostname ?? "127.0.0.1",
        port: options.port ?? 0,
        upstreamPort: serverAddress.port,
        unref: options.unref,
      })
      : undefined;
  } catch (error) {
    closing.abort();
    runner?.stop();
    pool.close();
    await server.shutdown();
    db.close();
    blobStoreOf(db).dispose();
    throw error;
  }
  context.faults = new FaultInjector(initialFaults, front);
  const address = front?.addr ?? serverAddress;
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  let closed = false;

  const sandbox: Sandbox = {
    url: `http://${host}:${address.port}`,
    apiKey,
    workspaceId,
    context,
    createWorkspace(workspaceOptions = {}) {
      const workspace = createWorkspace(db, workspaceOptions);
      const key = createApiKey(db, workspace.id, { scopes: workspaceOptions.scopes });
      return { workspace, apiKey: key.key };
    },
    createApiKey(id, keyOptions = {}) {
      return createApiKey(db, id, keyOptions).key;
    },
    revokeApiKey(key) {
      const parts = parseApiKey(key);
      if (parts) revokeApiKey(db, parts.keyId);
    },
    updateWorkspace(id, changes) {
      return updateWorkspace(db, id, changes);
    },
    setFaults(profile) {
      context.faults.set(profile);
    },
    get faultStats() {
      return context.faults.stats;
    },
    async settle() {
      for (let i = 0; i < 1000; i++) {
        runner?.tick();
        await runner?.idle();
        const open = db.get(
          "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('PENDING','QUEUED','PROCESSING','RETRY')",
        );
        if (!open || Number(open.n) === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      runner?.stop();
      pool.close();
      await front?.close();
      await server.shutdown();
      db.close();
      // Removes nothing of a file database's blobs: only an in-memory database's directory.
      blobStoreOf(db).dispose();
    },
    [Symbol.asyncDispose]() {
      return sandbox.close();
    },
  };
  return sandbox;
}
