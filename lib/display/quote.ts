/**
 * The quote card: estimated, billable and available credits, the workspace limits and any
 * blocking errors, so a reader sees at a glance whether a run can start.
 *
 * @example
 * ```ts
 * import { renderQuote } from "./quote.ts";
 * const bundle = renderQuote({
 *   tool: "protein-properties", estimated_credits: 2, billable_credits: 2, available_credits: 500,
 *   blocking_errors: [], billing: { mode: "fixed" },
 *   limits: { active_concurrent_jobs: 0, max_concurrent_jobs: 3, daily_limit_used: 1, daily_limit_max: 100 },
 * });
 * console.log(bundle["text/plain"]);
 * ```
 * @module
 */
import { html } from "./_html.ts";
import { THEME, tint } from "./_theme.ts";
import type { MimeBundle } from "./_jupyter.ts";

/** The quote fields the card reads. */
export interface QuoteState {
  /** The tool quoted. */
  tool: string;
  /** Expected cost in credits. */
  estimated_credits: number;
  /** Credits a submission would charge (fixed) or reserve (per minute). */
  billable_credits: number;
  /** The workspace's credits now. */
  available_credits: number;
  /** Why a submission would be refused now; empty when it would be accepted. */
  blocking_errors: { code: string; message: string; path?: string }[];
  /** The workspace's job limits now (`daily_limit_max` is null without a daily cap). */
  limits: {
    active_concurrent_jobs: number;
    max_concurrent_jobs: number;
    daily_limit_used: number;
    daily_limit_max: number | null;
  };
  /** How the job would be billed: `mode` is `"fixed"` or `"per_minute"`. */
  billing: { mode: string };
}

/** The quote as text. */
export function quoteText(quote: QuoteState): string {
  const ok = quote.blocking_errors.length === 0;
  const lines = [
    `Quote for ${quote.tool}: ${ok ? "ready to run" : "cannot run yet"}`,
    `  estimated ${quote.estimated_credits} · billable ${quote.billable_credits} · available ${quote.available_credits} credits (${quote.billing.mode})`,
    `  concurrent jobs ${quote.limits.active_concurrent_jobs}/${quote.limits.max_concurrent_jobs} · today ${quote.limits.daily_limit_used}/${
      quote.limits.daily_limit_max ?? "∞"
    }`,
    ...quote.blocking_errors.map((e) =>
      `  ✗ ${e.code}${e.path ? ` at ${e.path}` : ""}: ${e.message}`
    ),
  ];
  return lines.join("\n");
}

/**
 * The figures as a two-row table (labels over values): tables keep their layout in every
 * front end, styled or not.
 */
function figures(rows: [string, string | number, boolean?][]) {
  const label =
    `padding: 4px 14px 0 0; text-align: left; font-weight: normal; color: ${THEME.muted}; font-size: 11px; text-transform: uppercase; letter-spacing: 0.03em;`;
  const value =
    `padding: 0 14px 4px 0; text-align: left; font-size: 18px; font-weight: 600; color: ${THEME.text};`;
  const warnStyle = `background-color: ${
    tint(THEME.error, 25)
  }; padding: 0 4px; border-radius: 4px;`;
  return html`
    <table style="border-collapse: collapse; margin-top: 4px;">
      <tr>${rows.map(([name]) => html`<th align="left" style="${label}">${name}</th>`)}</tr>
      <tr>${rows.map(([, figure, warn]) =>
        html`<td align="left" style="${value}"><span style="${warn ? warnStyle : ""}">${figure}${
          warn ? " ✗" : ""
        }</span></td>`
      )}</tr>
    </table>
  `;
}

/** The quote card as HTML. */
export function quoteHtml(quote: QuoteState): string {
  const ok = quote.blocking_errors.length === 0;
  const color = ok ? THEME.success : THEME.error;
  const afford = quote.billable_credits <= quote.available_credits;
  const errors = quote.blocking_errors.map((e) =>
    html`<li style="margin: 2px 0;"><code
          style="background-color: ${THEME.errorBackground}; color: ${THEME.text}; padding: 0 4px; border-radius: 3px;">${e.code}</code>${
      e.path
        ? html`
          <span style="color: ${THEME.muted};">at ${e.path}</span>
        `
        : ""
    }: ${e.message}</li>`
  );
  const table = figures([
    ["Estimated", quote.estimated_credits],
    ["Billable", quote.billable_credits],
    ["Available", quote.available_credits, !afford],
    [
      "Concurrent jobs",
      `${quote.limits.active_concurrent_jobs} / ${quote.limits.max_concurrent_jobs}`,
    ],
    ["Jobs today", `${quote.limits.daily_limit_used} / ${quote.limits.daily_limit_max ?? "∞"}`],
  ]);
  return html`
    <div
      style="font-family: ${THEME.font}; font-size: 13px; max-width: 560px; color: ${THEME
        .text}; border: 1px solid ${THEME
        .border}; border-left: 4px solid ${color}; border-radius: 6px; padding: 8px 10px;">
        <div><b>Quote</b> <span style="color: ${THEME.muted};">${quote.tool} · billing ${quote
          .billing.mode}</span> — <span
            style="font-weight: 600; padding: 0 6px; border-radius: 4px; background-color: ${tint(
              color,
            )};">${ok ? "✓ ready to run" : "✗ cannot run yet"}</span></div>
        ${table}${errors.length > 0
          ? html`<ul style="margin: 6px 0 0 0; padding-left: 18px;">${errors}</ul>`
          : ""}
        </div>
  `.value;
}

/**
 * The quote card bundle.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, renderQuote } from "../../mod.ts";
 *
 * const piq = await connect();
 * const quote = await piq.jobs.quote({
 *   tool: "protein-properties",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * });
 * console.log(renderQuote(quote)["text/plain"]); // the card, as text
 * ```
 */
export function renderQuote(quote: QuoteState): MimeBundle {
  return { "text/plain": quoteText(quote), "text/html": quoteHtml(quote) };
}
