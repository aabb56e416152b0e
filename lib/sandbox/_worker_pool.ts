/**
 * A small pool of tool workers. Each worker runs one computation at a time; a run past its
 * time limit terminates its worker (the only way to stop synchronous code) and a fresh one
 * takes its place. Idle workers are closed so a script using the embedded sandbox can exit.
 * @module
 */
import type { ResolvedInput, ResolvedSettings, ToolOutput } from "./tools/_types.ts";
import type { RunMessage, StopMessage, WorkerReply } from "./_tool_worker.ts";

/** Time a worker may take to load before its tool starts (`deno test` type-checks it first). */
const BOOT_ALLOWANCE_MS = 120_000;

/** How long a tool asked to stop may take to hand back its partial output. */
export const STOP_GRACE_MS = 1000;

/** Why a run did not produce output. */
export class ToolRunError extends Error {
  /**
   * `failed`: the tool threw. `timeout`: past its limit. `crashed`: the worker died.
   * `stopped`: asked to stop, it did not return within the grace period.
   */
  readonly kind: "failed" | "timeout" | "crashed" | "stopped";
  /** Classify a failed run. */
  constructor(kind: "failed" | "timeout" | "crashed" | "stopped", message: string) {
    super(message);
    this.name = "ToolRunError";
    this.kind = kind;
  }
}

interface Task {
  message: RunMessage;
  timeoutMs: number;
  onProgress: (fraction: number) => void;
  onStart?: () => void;
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

  /**
   * A pool of at most `size` workers. The default is 4 whatever the core count: a job the
   * sandbox shows as PROCESSING must really be running (a workspace runs 3 at once by
   * default), and many tools mostly wait; the OS shares the cores among busy ones.
   */
  constructor(size = 4) {
    this.#size = size;
  }

  /**
   * Run a tool; resolves with its output or rejects with a {@linkcode ToolRunError}.
   * Aborting `signal` asks the tool to stop and return partial output; one that does not
   * within {@linkcode STOP_GRACE_MS} is terminated (`stopped`).
   */
  run(
    request: {
      toolId: string;
      inputs: ResolvedInput[];
      settings: ResolvedSettings;
      attempt?: number;
    },
    options: {
      timeoutMs: number;
      onProgress: (fraction: number) => void;
      /** Called when the tool starts running in its worker. */
      onStart?: () => void;
      signal?: AbortSignal;
    },
  ): Promise<ToolOutput> {
    if (this.#closed) return Promise.reject(new ToolRunError("crashed", "sandbox is closing"));
    if (options.signal?.aborted) {
      return Promise.reject(new ToolRunError("stopped", "stopped before it started"));
    }
    return new Promise((resolve, reject) => {
      const task: Task = {
        message: { runId: this.#nextRunId++, ...request, attempt: request.attempt ?? 1 },
        timeoutMs: options.timeoutMs,
        onProgress: options.onProgress,
        onStart: options.onStart,
        resolve,
        reject,
      };
      options.signal?.addEventListener("abort", () => this.#stop(task), { once: true });
      this.#waiting.push(task);
      this.#dispatch();
    });
  }

  #stop(task: Task): void {
    const waiting = this.#waiting.indexOf(task);
    if (waiting >= 0) {
      this.#waiting.splice(waiting, 1);
      task.reject(new ToolRunError("stopped", "stopped before it started"));
      return;
    }
    const slot = [...this.#slots].find((candidate) => candidate.task === task);
    if (!slot) return;
    const stop: StopMessage = { type: "stop", runId: task.message.runId };
    slot.worker.postMessage(stop);
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      this.#retire(slot, new ToolRunError("stopped", "the tool did not stop when asked"));
    }, STOP_GRACE_MS);
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
    // The time limit counts from the moment the tool starts; a new worker first has to load
    // its modules, which gets an allowance of its own (a worker that never starts crashed).
    slot.timer = setTimeout(() => {
      this.#retire(slot, new ToolRunError("crashed", "the tool worker did not start"));
    }, BOOT_ALLOWANCE_MS + task.timeoutMs);
    slot.worker.postMessage(task.message);
  }

  #startClock(slot: Slot, task: Task): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      this.#retire(
        slot,
        new ToolRunError("timeout", `the tool ran past its ${task.timeoutMs / 1000} s time limit`),
      );
    }, task.timeoutMs);
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (!task || reply.runId !== task.message.runId) return;
    if (reply.type === "started") {
      this.#startClock(slot, task);
      task.onStart?.();
      return;
    }
    if (reply.type === "progress") {
      task.onProgress(reply.fraction);
      return;
    }
    if (reply.type === "crashed") {
      this.#retire(slot, new ToolRunError("crashed", reply.message));
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
