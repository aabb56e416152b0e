/**
 * Workspaces and their API keys: creation, authentication and the account view.
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { parseApiKey } from "../contract/keys.ts";
import { type Scope, SCOPES } from "../contract/account.ts";
import { type Database, number, numberOrNull, type Row, text, textOrNull } from "./_db.ts";
import { ApiFailure } from "./_failure.ts";
import { newId, nowIso, randomToken, sha256Hex } from "./_util.ts";

/** A workspace as the sandbox keeps it. */
export interface Workspace {
  /** Workspace id, e.g. `team_…`. */
  id: string;
  /** Display name. */
  name: string;
  /** Plan tier the account route reports, e.g. `"pro"`. */
  planTier: string;
  /** Whether the plan is a paid one. */
  paid: boolean;
  /** Credits available now. */
  credits: number;
  /** Jobs that may process at once; further ones wait QUEUED. */
  maxConcurrentJobs: number;
  /** Jobs that may be submitted per UTC day; `null` for no daily cap. */
  dailyJobLimit: number | null;
  /** Non-terminal jobs allowed at once; past it submissions get `concurrent_job_limit_exceeded`. */
  maxActiveJobs: number;
  /** Requests per rate window allowed for each API key. */
  rateLimit: number;
  /** Length of the rate window, in seconds. */
  rateWindowSeconds: number;
  /** Whether the workspace was deleted (its keys no longer authenticate). */
  deleted: boolean;
}

/** Options for a new workspace; defaults follow the documented examples. */
export interface WorkspaceOptions {
  /** Display name. Default `"Sandbox workspace"`. */
  name?: string;
  /** Plan tier. Default `"pro"`. */
  planTier?: string;
  /** Whether the plan is a paid one. Default true. */
  paid?: boolean;
  /** Credits available. Default 500. */
  credits?: number;
  /** Jobs that may process at once; further ones wait QUEUED. Default 3. */
  maxConcurrentJobs?: number;
  /** Jobs that may be submitted per UTC day; `null` for no daily cap. Default 100. */
  dailyJobLimit?: number | null;
  /** Non-terminal jobs allowed at once. Default 1000. */
  maxActiveJobs?: number;
  /** Requests per rate window allowed for each API key. Default 120. */
  rateLimit?: number;
  /** Length of the rate window, in seconds. Default 60. */
  rateWindowSeconds?: number;
}

/** The key that authenticated a request. */
export interface ApiKeyRecord {
  id: string;
  prefix: string;
  workspaceId: string;
  scopes: Scope[];
  revoked: boolean;
}

/** Create a workspace. */
export function createWorkspace(db: Database, options: WorkspaceOptions = {}): Workspace {
  const id = newId("team", 12);
  db.run(
    `INSERT INTO workspaces (id, name, plan_tier, paid, credits, max_concurrent_jobs,
       daily_job_limit, max_active_jobs, rate_limit, rate_window_seconds, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    options.name ?? "Sandbox workspace",
    options.planTier ?? "pro",
    options.paid === false ? 0 : 1,
    options.credits ?? 500,
    options.maxConcurrentJobs ?? 3,
    options.dailyJobLimit === undefined ? 100 : options.dailyJobLimit,
    options.maxActiveJobs ?? 1000,
    options.rateLimit ?? 120,
    options.rateWindowSeconds ?? 60,
    nowIso(),
  );
  return getWorkspace(db, id)!;
}

/** Read a workspace. */
export function getWorkspace(db: Database, id: string): Workspace | undefined {
  const row = db.get("SELECT * FROM workspaces WHERE id = ?", id);
  return row ? toWorkspace(row) : undefined;
}

/** Change a workspace's settings (used by tests and the standalone CLI). */
export function updateWorkspace(db: Database, id: string, changes: WorkspaceOptions): Workspace {
  const columns: Record<keyof WorkspaceOptions, string> = {
    name: "name",
    planTier: "plan_tier",
    paid: "paid",
    credits: "credits",
    maxConcurrentJobs: "max_concurrent_jobs",
    dailyJobLimit: "daily_job_limit",
    maxActiveJobs: "max_active_jobs",
    rateLimit: "rate_limit",
    rateWindowSeconds: "rate_window_seconds",
  };
  for (const [field, value] of Object.entries(changes)) {
    const column = columns[field as keyof WorkspaceOptions];
    if (!column || value === undefined) continue;
    db.run(
      `UPDATE workspaces SET ${column} = ? WHERE id = ?`,
      typeof value === "boolean" ? (value ? 1 : 0) : value,
      id,
    );
  }
  return getWorkspace(db, id)!;
}

function toWorkspace(row: Row): Workspace {
  return {
    id: text(row, "id"),
    name: text(row, "name"),
    planTier: text(row, "plan_tier"),
    paid: number(row, "paid") === 1,
    credits: number(row, "credits"),
    maxConcurrentJobs: number(row, "max_concurrent_jobs"),
    dailyJobLimit: numberOrNull(row, "daily_job_limit"),
    maxActiveJobs: number(row, "max_active_jobs"),
    rateLimit: number(row, "rate_limit"),
    rateWindowSeconds: number(row, "rate_window_seconds"),
    deleted: textOrNull(row, "deleted_at") !== null,
  };
}

/**
 * Mint a key for a workspace. The full key is returned once; only a hash is stored.
 */
export function createApiKey(
  db: Database,
  workspaceId: string,
  options: { scopes?: readonly Scope[]; label?: string; key?: string } = {},
): { key: string; record: ApiKeyRecord } {
  const key = options.key ?? `pq_live_${randomToken(12)}_${randomToken(32)}`;
  const parts = parseApiKey(key);
  if (!parts) throw new TypeError("API keys must look like pq_live_<keyId>_<secret>");
  db.run(
    `INSERT INTO api_keys (id, workspace_id, secret_sha256, scopes, label, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    parts.keyId,
    workspaceId,
    sha256Hex(parts.secret),
    JSON.stringify(options.scopes ?? SCOPES),
    options.label ?? null,
    nowIso(),
  );
  return { key, record: findKey(db, parts.keyId)! };
}

/** Revoke a key; later requests with it answer 401. */
export function revokeApiKey(db: Database, keyId: string): void {
  db.run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", nowIso(), keyId);
}

function findKey(db: Database, keyId: string): ApiKeyRecord | undefined {
  const row = db.get("SELECT * FROM api_keys WHERE id = ?", keyId);
  return row && keyOfRow(row);
}

function keyOfRow(row: Row): ApiKeyRecord {
  return {
    id: text(row, "id"),
    prefix: `pq_live_${text(row, "id")}`,
    workspaceId: text(row, "workspace_id"),
    scopes: JSON.parse(text(row, "scopes")),
    revoked: textOrNull(row, "revoked_at") !== null,
  };
}

/**
 * Resolve an `Authorization` header to a key and workspace, or throw the documented error.
 * Messages never repeat the presented key.
 */
export function authenticate(
  db: Database,
  authorization: string | undefined,
): { key: ApiKeyRecord; workspace: Workspace } {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) {
    throw new ApiFailure(
      "unauthorized",
      "Missing API key: send it as 'Authorization: Bearer pq_live_<keyId>_<secret>'",
      { headers: { "WWW-Authenticate": 'Bearer realm="proteiniq"' } },
    );
  }
  const parts = parseApiKey(match[1]);
  // Built only when needed: an Error captures a stack trace, a cost on every good request.
  const invalid = () =>
    new ApiFailure("unauthorized", "The API key is malformed, revoked or invalid", {
      headers: { "WWW-Authenticate": 'Bearer realm="proteiniq", error="invalid_token"' },
    });
  if (!parts) throw invalid();
  // One read for the key and its secret's hash.
  const row = db.get("SELECT * FROM api_keys WHERE id = ?", parts.keyId);
  const key = row && keyOfRow(row);
  if (!row || !key || key.revoked) throw invalid();
  const expected = new TextEncoder().encode(text(row, "secret_sha256"));
  const presented = new TextEncoder().encode(sha256Hex(parts.secret));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    throw invalid();
  }
  const workspace = getWorkspace(db, key.workspaceId);
  if (!workspace || workspace.deleted) {
    throw new ApiFailure("team_not_found", "The workspace of this API key no longer exists");
  }
  if (!workspace.paid) {
    throw new ApiFailure(
      "paid_plan_required",
      "API access requires an active paid workspace plan",
    );
  }
  return { key, workspace };
}
