/**
 * A small pool of tool workers. Each worker runs one computation at a time; a run past its
 * time limit terminates its worker (the only way to stop synchronous code) and a fresh one
 * takes its place. Idle workers are closed so a script using the embedded sandbox can exit.
 * @module
 */
import type { ResolvedInput, ResolvedSettings, ToolOutput } from "./tools/_types.ts";
import type { RunMessage, WorkerReply } from "./_tool_worker.ts";

/** Why a run did not produce output. */
export class ToolRunError extends Error {
  /** `failed`: the tool threw. `timeout`: past its limit. `crashed`: the worker died. */
  readonly kind: "failed" | "timeout" | "crashed";
  /** Classify a failed run. */
  constructor(kind: "failed" | "timeout" | "crashed", message: string) {
    super(message);
    this.name = "ToolRunError";
    this.kind = kind;
  }
}

interface Task {
  message: RunMessage;
  timeoutMs: number;
  onProgress: (fraction: number) => void;
  resolve: (output: ToolOutput) => void;
  reject: (error: ToolRunError) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  timer?: ReturnType<typeof setTimeout>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

const IDLE_CLOSE_MS = 3000;

/** Runs tools in workers. */
export class WorkerPool {
  readonly #size: number;
  readonly #slots = new Set<Slot>();
  readonly #waiting: Task[] = [];
  #nextRunId = 1;
  #closed = false;

  /** A pool of at most `size` workers. */
  constructor(size = Math.max(1, Math.min(4, navigator.hardwareConcurrency - 1))) {
    this.#size = size;
  }

  /** Run a tool; resolves with its output or rejects with a {@linkcode ToolRunError}. */
  run(
    request: { toolId: string; inputs: ResolvedInput[]; settings: ResolvedSettings },
    options: { timeoutMs: number; onProgress: (fraction: number) => void },
  ): Promise<ToolOutput> {
    if (this.#closed) return Promise.reject(new ToolRunError("crashed", "sandbox is closing"));
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        message: { runId: this.#nextRunId++, ...request },
        timeoutMs: options.timeoutMs,
        onProgress: options.onProgress,
        resolve,
        reject,
      });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      let slot = [...this.#slots].find((candidate) => !candidate.task);
      if (!slot && this.#slots.size < this.#size) slot = this.#spawn();
      if (!slot) return;
      const task = this.#waiting.shift()!;
      this.#assign(slot, task);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./_tool_worker.ts", import.meta.url), { type: "module" });
    const slot: Slot = { worker };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#onReply(slot, event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#retire(slot, new ToolRunError("crashed", `tool worker crashed: ${event.message}`));
    };
    this.#slots.add(slot);
    return slot;
  }

  #assign(slot: Slot, task: Task): void {
    clearTimeout(slot.idleTimer);
    slot.task = task;
    slot.timer = setTimeout(() => {
      this.#retire(
        slot,
        new ToolRunError("timeout", `the tool ran past its ${task.timeoutMs / 1000} s time limit`),
      );
    }, task.timeoutMs);
    slot.worker.postMessage(task.message);
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (!task || reply.runId !== task.message.runId) return;
    if (reply.type === "progress") {
      task.onProgress(reply.fraction);
      return;
    }
    clearTimeout(slot.timer);
    slot.task = undefined;
    if (reply.type === "done") task.resolve(reply.output);
    else task.reject(new ToolRunError("failed", reply.message));
    const idleTimer = setTimeout(() => {
      if (!slot.task) this.#retire(slot);
    }, IDLE_CLOSE_MS);
    Deno.unrefTimer(idleTimer);
    slot.idleTimer = idleTimer;
    this.#dispatch();
  }

  /** Stop a worker; its task, if any, fails with `error`. */
  #retire(slot: Slot, error?: ToolRunError): void {
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    slot.worker.terminate();
    this.#slots.delete(slot);
    if (slot.task && error) slot.task.reject(error);
    slot.task = undefined;
    this.#dispatch();
  }

  /** Terminate every worker; waiting and running tasks fail as crashed. */
  close(): void {
    this.#closed = true;
    for (const task of this.#waiting.splice(0)) {
      task.reject(new ToolRunError("crashed", "sandbox closed"));
    }
    for (const slot of [...this.#slots]) {
      this.#retire(slot, new ToolRunError("crashed", "sandbox closed"));
    }
  }
}
