/**
 * What the sandbox's tool worker hands a tool beyond the documented `ToolRunContext`: the
 * attempt number (1, then 2 after a RETRY…) and a signal the runner aborts when it wants the
 * tool to stop early — a minute-billed job that reached its budget — so the tool can return
 * the partial output it has. Tools that ignore it are stopped after a short grace period.
 *
 * @example
 * ```ts
 * import { runContextExtras } from "./_run_context.ts";
 * const extras = runContextExtras({ progress() {} });
 * console.log(extras.attempt ?? 1, extras.signal?.aborted ?? false);
 * ```
 * @module
 */
import type { ToolRunContext } from "./tools/_types.ts";

/** The context a tool receives inside the sandbox worker. */
export interface SandboxRunContext extends ToolRunContext {
  /** 1 for the first run of a job, 2 for its first re-run after RETRY, … */
  attempt: number;
  /** Aborted when the runner asks the tool to stop and return what it has. */
  signal: AbortSignal;
}

/** The sandbox extras of a run context, when the tool runs inside the sandbox worker. */
export function runContextExtras(context: ToolRunContext): Partial<SandboxRunContext> {
  const extended = context as Partial<SandboxRunContext>;
  return { attempt: extended.attempt, signal: extended.signal };
}
