/**
 * Worker entry: runs one tool computation at a time, off the server's event loop, and
 * reports progress. Messages: `{runId, toolId, inputs, settings}` in; `progress`, `done`
 * or `error` out.
 * @module
 */
import { findTool } from "./tools/mod.ts";
import type { ResolvedInput, ResolvedSettings, ToolOutput } from "./tools/_types.ts";
import type { SandboxRunContext } from "./_run_context.ts";

/** A run request. */
export interface RunMessage {
  type?: "run";
  runId: number;
  toolId: string;
  inputs: ResolvedInput[];
  settings: ResolvedSettings;
  /** 1 for a job's first run, 2 after its first RETRY… */
  attempt: number;
}

/** Asks the running tool to stop and return what it has. */
export interface StopMessage {
  type: "stop";
  runId: number;
}

/** What the worker answers. */
export type WorkerReply =
  | { type: "started"; runId: number }
  | { type: "crashed"; runId: number; message: string }
  | { type: "progress"; runId: number; fraction: number }
  | { type: "done"; runId: number; output: ToolOutput }
  | { type: "error"; runId: number; message: string };

/**
 * The parts of the worker's global scope this entry uses. Typed here rather than with
 * `/// <reference lib="deno.worker" />`, which would change the globals of every module in
 * the same program (and which JSR refuses for that reason).
 */
interface WorkerScope {
  postMessage(message: WorkerReply): void;
  close(): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  addEventListener(
    type: "unhandledrejection",
    listener: (event: PromiseRejectionEvent) => void,
  ): void;
  onmessage: ((event: MessageEvent<RunMessage | StopMessage>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

function reply(message: WorkerReply): void {
  scope.postMessage(message);
}

const stops = new Map<number, AbortController>();
let current: number | undefined;

/**
 * An error nothing caught kills the run, as it would kill a real worker process: report the
 * crash (quietly — it is the tool's failure, not the server's) and close this worker.
 */
function crash(message: string): void {
  if (current !== undefined) reply({ type: "crashed", runId: current, message });
  scope.close();
}

scope.addEventListener("error", (event) => {
  event.preventDefault();
  crash(`tool worker crashed: ${event.message}`);
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  const reason = event.reason instanceof Error ? event.reason.message : String(event.reason);
  crash(`tool worker crashed: ${reason}`);
});

scope.onmessage = async (event: MessageEvent<RunMessage | StopMessage>) => {
  if (event.data.type === "stop") {
    stops.get(event.data.runId)?.abort();
    return;
  }
  const { runId, toolId, inputs, settings, attempt } = event.data;
  const tool = findTool(toolId);
  if (!tool) {
    reply({ type: "error", runId, message: `unknown tool ${toolId}` });
    return;
  }
  let lastSent = 0;
  const stop = new AbortController();
  stops.set(runId, stop);
  const context: SandboxRunContext = {
    attempt,
    signal: stop.signal,
    progress(fraction) {
      const now = performance.now();
      // The runner only shows ~10 updates a second; don't flood the channel.
      if (now - lastSent < 50) return;
      lastSent = now;
      reply({ type: "progress", runId, fraction: Math.min(1, Math.max(0, fraction)) });
    },
  };
  current = runId;
  reply({ type: "started", runId });
  try {
    const output = await tool.run(inputs, settings, context);
    reply({ type: "done", runId, output });
  } catch (error) {
    reply({
      type: "error",
      runId,
      message: error instanceof Error ? error.message : String(error),
    });
  } finally {
    stops.delete(runId);
    current = undefined;
  }
};
