/**
 * The HTML cards (progress in several states, batch board, quote, tool contract, result,
 * history) built from fixed states, for the untrusted-rendering and dark-theme tests.
 * @module
 */
import { connect } from "../mod.ts";
import { type ProgressState, renderJobProgress } from "../lib/display/progress.ts";
import { renderMultiJobProgress } from "../lib/display/multi_progress.ts";
import { renderQuote } from "../lib/display/quote.ts";
import { renderJobHistory } from "../lib/display/history.ts";
import { renderResultView } from "../lib/display/result_view.ts";
import { renderToolContract } from "../lib/display/tool.ts";

/** When the cards are rendered. */
export const NOW = Date.parse("2026-06-12T08:02:00Z");
const at = (seconds: number) =>
  new Date(Date.parse("2026-06-12T08:00:00Z") + seconds * 1000).toISOString();

/** A job state; `started_at` two seconds after creation unless given. */
export function jobState(overrides: Partial<ProgressState> = {}): ProgressState {
  return {
    id: "job_7OYx3kP2",
    name: "Lysozyme",
    tool: "protein-properties",
    status: "PROCESSING",
    progress: 40,
    credits_used: 1,
    created_at: at(0),
    started_at: at(2),
    completed_at: null,
    execution_time_seconds: null,
    error: null,
    ...overrides,
  };
}

/** One card: its name, its HTML, and words that must stay readable and apart. */
export interface Card {
  name: string;
  html: string;
  /** Pieces of text that must each appear, separated from what follows by a space or break. */
  words: string[];
  /** Whether the card holds a progress bar (native `<progress>` when untrusted). */
  bar?: number;
}

const html = (bundle: Record<string, unknown>) => bundle["text/html"] as string;

/** Every card of this module's HTML displays, in several states. */
export async function allCards(): Promise<Card[]> {
  const cards: Card[] = [];
  for (
    const [status, progress, bar] of [
      ["QUEUED", 0, 0],
      ["PROCESSING", 40, 40],
      ["COMPLETED", 100, 100],
    ] as const
  ) {
    const completed = status === "COMPLETED" ? { completed_at: at(12) } : {};
    const state = jobState({ status, progress, ...completed });
    const label = { QUEUED: "… Queued", PROCESSING: "▶ Processing", COMPLETED: "✓ Completed" }[
      status
    ];
    cards.push({
      name: `progress-${status.toLowerCase()}`,
      html: html(renderJobProgress(state, NOW)),
      words: ["Lysozyme", "protein-properties", "job_7OYx3kP2", label, `${bar}%`],
      bar,
    });
  }
  cards.push({
    name: "progress-failed",
    html: html(
      renderJobProgress(
        jobState({
          status: "FAILED",
          progress: 30,
          completed_at: at(9),
          error: "Invalid residue J at position 12",
        }),
        NOW,
      ),
    ),
    words: ["job_7OYx3kP2", "✗ Failed", "Error:", "Invalid residue J at position 12"],
    bar: 30,
  });
  const batch = [
    jobState({ id: "job_a1", name: "lysozyme", status: "COMPLETED", progress: 100 }),
    jobState({ id: "job_b2", name: "ubiquitin", status: "PROCESSING", progress: 50 }),
    jobState({
      id: "job_c3",
      name: "Run that fails",
      status: "FAILED",
      progress: 10,
      error: "Simulated failure requested by settings.fail",
    }),
    jobState({ id: "job_d4", name: "insulin", status: "QUEUED", progress: 0 }),
  ];
  cards.push({
    name: "batch-board",
    html: html(
      renderMultiJobProgress(batch, { title: "A small batch", startedAt: NOW - 10_000 }, NOW),
    ),
    words: [
      "A small batch",
      "2/4 finished",
      "1 processing",
      "1 failed",
      "ubiquitin",
      "▶ Processing",
      "Simulated failure requested by settings.fail",
    ],
    bar: 40,
  });
  const quote = {
    tool: "protein-properties",
    estimated_credits: 2,
    billable_credits: 2,
    available_credits: 1,
    blocking_errors: [{
      code: "insufficient_credits",
      message: "The workspace has 1 credit; this job needs 2.",
    }],
    billing: { mode: "fixed" },
    limits: {
      active_concurrent_jobs: 1,
      max_concurrent_jobs: 3,
      daily_limit_used: 4,
      daily_limit_max: 100,
    },
  };
  cards.push({
    name: "quote",
    html: html(renderQuote(quote)),
    words: ["Quote", "protein-properties · billing fixed", "✗ cannot run yet", "Estimated", "2"],
  });
  const piq = await connect({ sandbox: { database: ":memory:", pace: "instant" }, quiet: true });
  try {
    const contract = await piq.tools.get("protein-properties");
    cards.push({
      name: "tool",
      html: html(renderToolContract(contract)),
      words: [contract.name, "protein-properties", "Inputs", "Settings", "Output"],
    });
  } finally {
    await piq.close();
  }
  cards.push({
    name: "result",
    html: html(renderResultView({
      title: "Lysozyme — protein-properties · COMPLETED",
      records: [
        { id: "lysozyme", length: 129, molecular_weight: 14313.004 },
        { id: "ubiquitin", length: 76, molecular_weight: 8564.8 },
      ],
      results: { records: [], profile: [1, 2, 3] },
      files: [{ name: "properties.csv", content_type: "text/csv", size_bytes: 1234 }],
    })),
    words: ["lysozyme", "results.profile", "properties.csv", "(text/csv, 1.2 KB)"],
  });
  cards.push({
    name: "history",
    html: html(renderJobHistory(batch, { title: "Jobs", now: NOW })),
    words: ["Jobs (4)", "lysozyme", "✓ Completed", "Simulated failure requested by settings.fail"],
  });
  return cards;
}
