/**
 * The runner never takes the server down: another connection holding the database's write
 * lock (as a second sandbox process or a notebook poking the file would) makes the runner's
 * writes fail with SQLITE_BUSY for a while. The server keeps answering, the runner logs and
 * retries, and every job still reaches its terminal state — including one whose tool worker
 * crashes while the lock is held.
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import { caller, expectOk, workload } from "./sandbox_helpers.ts";

/** Capture console.error while `fn` runs (the runner's log is part of the behaviour). */
async function capturingErrors<T>(fn: () => Promise<T>): Promise<{ value: T; logged: string[] }> {
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    logged.push(args.map((arg) => arg instanceof Error ? arg.message : String(arg)).join(" "));
  };
  try {
    return { value: await fn(), logged };
  } finally {
    console.error = original;
  }
}

Deno.test("a write lock held by another connection: the server answers, jobs complete", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox-resilience-" });
  const database = `${dir}/sandbox.sqlite`;
  const sandbox = await startSandbox({
    database,
    pace: { pendingMs: 0, queuedMs: 0, minProcessingMs: 300, retryDelayMs: 100 },
  });
  const other = new DatabaseSync(database);
  try {
    const call = caller(sandbox.url, sandbox.apiKey);
    const ids: string[] = [];
    for (
      const [i, settings] of [{ seconds: 0.4, crash_attempts: 0 }, {
        seconds: 0.4,
        crash_attempts: 1,
      }].entries()
    ) {
      const answer = await call("POST", "/api/v1/jobs", {
        body: workload(settings, { name: `held-${i}` }),
      });
      ids.push(expectOk(answer, ROUTES.submitJob).id);
    }

    const { logged } = await capturingErrors(async () => {
      // The other connection takes the write lock and keeps it while the jobs would run.
      other.exec("PRAGMA busy_timeout = 0");
      other.exec("BEGIN IMMEDIATE");
      const heldUntil = Date.now() + 2500;
      const latencies: number[] = [];
      while (Date.now() < heldUntil) {
        const started = performance.now();
        for (const id of ids) {
          expectOk(await call("GET", `/api/v1/jobs/${id}/status`), ROUTES.jobStatus);
        }
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      other.exec("COMMIT");
      // Reads go on under WAL; the runner waits for the lock only briefly, so no status read
      // stalls behind it (a 5 s busy wait inside a tick would show here).
      assert.ok(latencies.length >= 10, `only ${latencies.length} rounds answered in 2.5 s`);
      assert.ok(
        Math.max(...latencies) < 1000,
        `a status round took ${Math.round(Math.max(...latencies))} ms while the lock was held`,
      );
    });
    assert.ok(
      logged.some((line) => /runner/.test(line) && /locked|busy/i.test(line)),
      `the runner logs the busy database; logged: ${JSON.stringify(logged.slice(0, 5))}`,
    );

    const deadline = Date.now() + 15_000;
    const statuses = new Map<string, string>();
    while (Date.now() < deadline) {
      for (const id of ids) {
        statuses.set(
          id,
          expectOk(await call("GET", `/api/v1/jobs/${id}/status`), ROUTES.jobStatus).status,
        );
      }
      if ([...statuses.values()].every((status) => status === "COMPLETED")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      [...statuses.values()],
      ["COMPLETED", "COMPLETED"],
      JSON.stringify([
        ...statuses,
      ]),
    );
    // The crashed one really ran twice.
    const crashed = expectOk(await call("GET", `/api/v1/jobs/${ids[1]}/status`), ROUTES.jobStatus);
    assert.equal(crashed.status, "COMPLETED");
    const attempts = other.prepare("SELECT attempts FROM jobs WHERE id = ?").get(ids[1]);
    assert.equal(Number(attempts?.attempts), 2);
  } finally {
    other.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a tick that throws is logged and retried, never thrown out of the timer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox-resilience-" });
  const database = `${dir}/sandbox.sqlite`;
  const sandbox = await startSandbox({ database, pace: "instant" });
  const other = new DatabaseSync(database);
  try {
    other.exec("PRAGMA busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE");
    const { logged } = await capturingErrors(async () => {
      // The timer's ticks renew the lease every second: with the lock held, each renewal
      // fails with SQLITE_BUSY, which used to escape the timer and end the process.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
    other.exec("COMMIT");
    assert.ok(logged.some((line) => /locked|busy/i.test(line)), JSON.stringify(logged));
    const call = caller(sandbox.url, sandbox.apiKey);
    const job = expectOk(
      await call("POST", "/api/v1/jobs", { body: workload({ seconds: 0 }) }),
      ROUTES.submitJob,
    );
    await sandbox.settle();
    assert.equal(
      expectOk(await call("GET", `/api/v1/jobs/${job.id}/status`), ROUTES.jobStatus).status,
      "COMPLETED",
    );
  } finally {
    other.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
