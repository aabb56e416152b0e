/**
 * Job progress displays: the single-job card and live display (throttling, display ids, the
 * terminal state always shown, text output), and the multi-job board (counts, overall bar,
 * pluggable status styles for another vendor's lowercase statuses).
 * @module
 */
import assert from "node:assert/strict";
import { documentOf, HOSTILE } from "./_dom.ts";
import {
  formatClock,
  jobPaceText,
  LiveProgress,
  pipelineStatusStyle,
  progressHtml,
  progressLine,
  type ProgressState,
  renderJobProgress,
  STATUS_STYLES,
  statusStyle,
} from "../lib/display/progress.ts";
import {
  boardPaceText,
  MultiJobProgress,
  multiProgressHtml,
  multiProgressLine,
  renderMultiJobProgress,
  summarizeJobs,
} from "../lib/display/multi_progress.ts";

function job(overrides: Partial<ProgressState> = {}): ProgressState {
  return {
    id: "job_1",
    name: "Lysozyme",
    tool: "protein-properties",
    status: "PROCESSING",
    progress: 40,
    credits_used: 2,
    created_at: new Date(Date.now() - 65_000).toISOString(),
    started_at: null,
    completed_at: null,
    execution_time_seconds: null,
    error: null,
    ...overrides,
  };
}

/** Records broadcasts like the kernel's `Deno.jupyter.broadcast`. */
function recorder() {
  const messages: { type: string; content: Record<string, unknown>; at: number }[] = [];
  return {
    messages,
    broadcast: (type: string, content: Record<string, unknown>) => {
      messages.push({ type, content, at: performance.now() });
    },
  };
}

Deno.test("every ProteinIQ state and BUDGET_EXCEEDED has its own wording and colour", () => {
  const states = [
    "PENDING",
    "QUEUED",
    "PROCESSING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "TIMEOUT",
    "RETRY",
    "BUDGET_EXCEEDED",
  ];
  assert.deepEqual(Object.keys(STATUS_STYLES).sort(), [...states].sort());
  const labels = new Set(states.map((state) => statusStyle(state).label));
  assert.equal(labels.size, states.length);
  for (const state of states) {
    const bundle = renderJobProgress(job({ status: state }));
    const document = documentOf(bundle["text/html"] as string);
    assert.ok(document.body.textContent!.includes(statusStyle(state).label), state);
    assert.ok((bundle["text/plain"] as string).includes(statusStyle(state).label), state);
  }
  assert.equal(statusStyle("BUDGET_EXCEEDED").label, "Budget exceeded");
  assert.equal(statusStyle("COMPLETED").terminal, true);
  assert.equal(statusStyle("RETRY").terminal, false);
  assert.equal(statusStyle("SOMETHING_NEW").label, "SOMETHING_NEW");
});

Deno.test("a failed job shows its error message, escaped, and a red card", () => {
  const bundle = renderJobProgress(job({ status: "FAILED", error: `Bad input ${HOSTILE}` }));
  const markup = bundle["text/html"] as string;
  const document = documentOf(markup);
  assert.equal(document.querySelectorAll("script, img").length, 0);
  assert.ok(document.body.textContent!.includes(`Bad input ${HOSTILE}`));
  // The theme's error colour, with the light colour as the fallback.
  assert.match(markup, /border-left: 4px solid var\(--jp-error-color1, [^;]*#dc2626\)+;/);
  assert.match(bundle["text/plain"] as string, /error: Bad input/);
});

Deno.test("progress HTML is plain elements with inline styles (survives sanitizers)", () => {
  const document = documentOf(renderJobProgress(job({ name: HOSTILE }))["text/html"] as string);
  assert.equal(document.querySelectorAll("script, style, svg, img").length, 0);
  assert.ok(document.body.textContent!.includes(HOSTILE));
  // A native bar: it stays a bar when a sanitizer drops every style.
  const bar = document.querySelector("progress");
  assert.ok(bar, "the bar is a <progress>");
  assert.equal(bar.getAttribute("value"), "40.0");
  assert.equal(bar.getAttribute("max"), "100");
  assert.match(bar.textContent!, /40%/, "with a text fallback");
});

Deno.test("live progress sends at most one update per 100 ms and always the final state", async () => {
  const { messages, broadcast } = recorder();
  const live = new LiveProgress({ broadcast });
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    live.update(job({ progress: i / 10 }));
    if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const done = job({ status: "COMPLETED", progress: 100 });
  live.update(done);
  await live.finish(done);
  const elapsed = performance.now() - started;
  assert.ok(messages.length >= 2);
  assert.ok(
    messages.length <= Math.ceil(elapsed / 100) + 2,
    `${messages.length} updates in ${elapsed.toFixed(0)} ms`,
  );
  assert.equal(messages[0].type, "display_data");
  assert.ok(messages.slice(1).every((message) => message.type === "update_display_data"));
  const ids = new Set(
    messages.map((message) => (message.content.transient as { display_id: string }).display_id),
  );
  assert.equal(ids.size, 1);
  assert.equal([...ids][0], live.displayId);
  for (let i = 1; i < messages.length - 1; i++) {
    // Throttled updates (not the final one, which is always sent at once).
    assert.ok(messages[i].at - messages[i - 1].at >= 95, `gap ${i}`);
  }
  const last = messages[messages.length - 1].content.data as Record<string, string>;
  assert.match(last["text/plain"], /Completed\s+█{20}\s+100%/);
});

Deno.test("the terminal state is sent at once even inside the throttle window", async () => {
  const { messages, broadcast } = recorder();
  const live = new LiveProgress({ broadcast, minIntervalMs: 10_000 });
  live.update(job({ progress: 1 }));
  live.update(job({ progress: 50 }));
  live.update(job({ status: "FAILED", progress: 50, error: "boom" }));
  assert.equal(messages.length, 2);
  const last = messages[1].content.data as Record<string, string>;
  assert.match(last["text/plain"], /Failed/);
  assert.match(last["text/plain"], /error: boom/);
  await live.finish();
});

Deno.test("outside Jupyter a piped display prints one line per status change", async () => {
  const lines: string[] = [];
  const live = new LiveProgress({ write: (text) => lines.push(text), jupyter: false });
  const pause = () => new Promise((resolve) => setTimeout(resolve, 120));
  live.update(job({ status: "QUEUED", progress: 0 }));
  await pause();
  live.update(job({ status: "PROCESSING", progress: 10 }));
  await pause();
  live.update(job({ status: "PROCESSING", progress: 20 }));
  await pause();
  await live.finish(job({ status: "COMPLETED", progress: 100 }));
  assert.equal(lines.length, 3);
  assert.match(lines[0], /Queued/);
  assert.match(lines[2], /Completed/);
});

Deno.test("a piped display prints the final state once when finish() follows the terminal update", async () => {
  const lines: string[] = [];
  const live = new LiveProgress({ write: (text) => lines.push(text), jupyter: false });
  live.update(job({ status: "PENDING", progress: 0 }));
  const done = job({ status: "COMPLETED", progress: 100 });
  live.update(done);
  await live.finish(done);
  assert.deepEqual(lines.map((line) => line.match(/Pending|Completed/)?.[0]), [
    "Pending",
    "Completed",
  ]);
});

const PIPELINE = [
  { id: "p1", job_type: "humanization", status: "completed", created_at: new Date().toISOString() },
  { id: "p2", job_type: "structure", status: "running" },
  { id: "p3", job_type: "stability", status: "failed", error_message: `GPU lost ${HOSTILE}` },
  { id: "p4", job_type: "immunogenicity", status: "pending" },
];

Deno.test("the multi-job board counts states and reads a second vendor's lowercase statuses", () => {
  const summary = summarizeJobs(PIPELINE, pipelineStatusStyle);
  assert.equal(summary.total, 4);
  assert.equal(summary.finished, 2);
  assert.deepEqual(
    summary.counts.map((entry) => [entry.label, entry.count]),
    [["Running", 1], ["Failed", 1], ["Pending", 1], ["Completed", 1]],
  );
  const bundle = renderMultiJobProgress(PIPELINE, {
    title: "Pipeline",
    style: pipelineStatusStyle,
  });
  const document = documentOf(bundle["text/html"] as string);
  assert.equal(document.querySelectorAll("script, style, svg, img").length, 0);
  const text = document.body.textContent!;
  for (
    const word of ["Running", "Failed", "Pending", "Completed", "humanization", "2/4 finished"]
  ) {
    assert.ok(text.includes(word), word);
  }
  assert.ok(text.includes(`GPU lost ${HOSTILE}`), "the error message is shown as text");
  const rows = [...document.querySelectorAll("tbody tr")];
  assert.equal(rows.filter((row) => row.querySelectorAll("td").length === 6).length, 4);
  // The failure's message is a row of its own, across the table, right under its job.
  const errorRow = rows.find((row) => row.textContent!.includes("GPU lost"))!;
  assert.equal(errorRow.querySelectorAll("td").length, 1);
  assert.equal(errorRow.querySelector("td")!.getAttribute("colspan"), "6");
  const jobRow = rows[rows.indexOf(errorRow) - 1];
  assert.ok(!jobRow.textContent!.includes("GPU lost"), "the error is not inside the Job cell");
  assert.match(jobRow.textContent!, /Failed/);
  assert.match(bundle["text/plain"] as string, /2\/4 finished/);
});

Deno.test("the multi-job board's overall bar adds up per-job progress by state", () => {
  const jobs = [
    { id: "a", name: "a", status: "COMPLETED", progress: 100, credits_used: 3 },
    { id: "b", name: "b", status: "PROCESSING", progress: 50, credits_used: 2 },
    { id: "c", name: "c", status: "QUEUED", progress: 0 },
    { id: "d", name: "d", status: "FAILED", progress: 30 },
  ];
  const summary = summarizeJobs(jobs);
  assert.equal(summary.credits, 5);
  assert.equal(summary.percent, (100 + 50 + 0 + 30) / 4);
  const completed = summary.segments.find((segment) => segment.label === "Completed")!;
  const processing = summary.segments.find((segment) => segment.label === "Processing")!;
  assert.equal(completed.percent, 25);
  assert.equal(processing.percent, 12.5);
  assert.deepEqual(summary.segments.map((segment) => segment.label), [
    "Completed",
    "Failed",
    "Processing",
    "Queued",
  ]);
  const document = documentOf(renderMultiJobProgress(jobs)["text/html"] as string);
  const overall = document.querySelector("progress")!;
  assert.equal(Number(overall.getAttribute("value")), summary.percent);
  // A job failed: the overall bar takes the theme's error colour.
  assert.match(overall.getAttribute("style")!, /accent-color: var\(--jp-error-color1, /);
});

Deno.test("a job's bar shows elapsed time, time left and rate like tqdm", () => {
  const now = Date.parse("2026-06-12T08:00:30Z");
  const state = job({
    progress: 40,
    created_at: "2026-06-12T08:00:00Z",
    started_at: "2026-06-12T08:00:10Z",
  });
  // Running 20 s for 40 %: 2 %/s, 30 s left.
  assert.equal(jobPaceText(state, now), "[00:20<00:30, 2.00%/s]");
  assert.match(progressLine(state, now), /40%\s+\[00:20<00:30, 2\.00%\/s\]/);
  assert.ok(progressHtml(state, now).includes("[00:20&lt;00:30, 2.00%/s]"));
  // Nothing done yet: time left and rate unknown.
  assert.equal(jobPaceText({ ...state, progress: 0 }, now), "[00:20<?, ?%/s]");
  // Done: the total time and the mean rate, no time left.
  const done = { ...state, status: "COMPLETED", completed_at: "2026-06-12T08:00:35Z" };
  assert.equal(jobPaceText(done, now), "[00:25, 4.00%/s]");
  // Failed: only how long it ran.
  assert.equal(jobPaceText({ ...done, status: "FAILED" }, now), "[00:25]");
  assert.equal(formatClock(3723), "1:02:03");
});

Deno.test("the board shows finished/total with elapsed, time left and jobs per second", () => {
  const now = Date.parse("2026-06-12T08:01:00Z");
  const jobs = [
    { id: "a", name: "a", status: "COMPLETED", progress: 100 },
    { id: "b", name: "b", status: "COMPLETED", progress: 100 },
    { id: "c", name: "c", status: "PROCESSING", progress: 0 },
    { id: "d", name: "d", status: "QUEUED", progress: 0 },
  ];
  const options = { startedAt: now - 20_000 };
  // Half the work in 20 s: 20 s left; 2 jobs in 20 s is 10 s a job (slow rates turn round).
  const line = multiProgressLine(jobs, options, now);
  assert.match(line, /2\/4 finished \[00:20<00:20, 10\.0 s\/job\]/);
  const fast = [
    ...jobs.slice(0, 2),
    ...jobs.slice(0, 2).map((one) => ({ ...one, id: `${one.id}2` })),
  ];
  assert.match(
    multiProgressLine(fast, { startedAt: now - 2000 }, now),
    /4\/4 finished \[00:02, 2\.00 jobs\/s\]/,
  );
  const html = multiProgressHtml(jobs, options, now);
  assert.ok(html.includes("2/4 finished · 50% · [00:20&lt;00:20, 10.0 s/job]"));
  assert.equal(boardPaceText(summarizeJobs(jobs), NaN), "", "no start time, no pace");
});

Deno.test("a big board lists running and failed jobs first and counts the rest", () => {
  const jobs = Array.from({ length: 120 }, (_, i) => ({
    id: `j${i}`,
    name: `job ${i}`,
    status: i === 77 ? "FAILED" : i % 10 === 0 ? "PROCESSING" : "COMPLETED",
    progress: 50,
  }));
  const document = documentOf(renderMultiJobProgress(jobs, { maxRows: 20 })["text/html"] as string);
  const names = [...document.querySelectorAll("tbody tr td:first-child")].map((td) =>
    td.textContent
  );
  assert.equal(names.length, 20);
  assert.ok(names.includes("job 77"));
  assert.ok(names.includes("job 110"));
  assert.ok(document.body.textContent!.includes("100 more jobs not listed"));
});

Deno.test("the live board throttles, merges snapshots by id and ends on the final board", async () => {
  const { messages, broadcast } = recorder();
  const board = new MultiJobProgress({ broadcast, title: "Batch" });
  const started = performance.now();
  for (let step = 0; step <= 100; step++) {
    board.update(
      Array.from({ length: 10 }, (_, i) => ({
        id: `job_${i}`,
        name: `run ${i}`,
        status: step === 100 ? "COMPLETED" : "PROCESSING",
        progress: step,
      })),
    );
    if (step % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await board.finish();
  const elapsed = performance.now() - started;
  assert.equal(board.jobs.length, 10);
  assert.ok(messages.length <= Math.ceil(elapsed / 100) + 2, `${messages.length} updates`);
  const last = messages[messages.length - 1].content.data as Record<string, string>;
  assert.match(last["text/plain"], /10\/10 finished/);
  assert.equal(board.summary().finished, 10);
});
