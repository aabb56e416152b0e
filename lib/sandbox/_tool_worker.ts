/**
 * Worker entry: runs one tool computation at a time, off the server's event loop, and
 * reports progress. Messages: `{runId, toolId, inputs, settings}` in; `progress`, `done`
 * or `error` out.
 * @module
 */
/// <reference lib="deno.worker" />
import { findTool } from "./tools/mod.ts";
import type { ResolvedInput, ResolvedSettings, ToolOutput } from "./tools/_types.ts";

/** A run request. */
export interface RunMessage {
  runId: number;
  toolId: string;
  inputs: ResolvedInput[];
  settings: ResolvedSettings;
}

/** What the worker answers. */
export type WorkerReply =
  | { type: "progress"; runId: number; fraction: number }
  | { type: "done"; runId: number; output: ToolOutput }
  | { type: "error"; runId: number; message: string };

function reply(message: WorkerReply): void {
  self.postMessage(message);
}

self.onmessage = async (event: MessageEvent<RunMessage>) => {
  const { runId, toolId, inputs, settings } = event.data;
  const tool = findTool(toolId);
  if (!tool) {
    reply({ type: "error", runId, message: `unknown tool ${toolId}` });
    return;
  }
  let lastSent = 0;
  try {
    const output = await tool.run(inputs, settings, {
      progress(fraction) {
        const now = performance.now();
        // The runner only shows ~10 updates a second; don't flood the channel.
        if (now - lastSent < 50) return;
        lastSent = now;
        reply({ type: "progress", runId, fraction: Math.min(1, Math.max(0, fraction)) });
      },
    });
    reply({ type: "done", runId, output });
  } catch (error) {
    reply({
      type: "error",
      runId,
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
