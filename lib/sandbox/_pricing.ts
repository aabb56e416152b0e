/**
 * Pricing a request from its tool's credit model.
 * @module
 */
import type { SandboxTool } from "./tools/_types.ts";

/** What a request would cost. */
export interface Price {
  /** The documented estimate. */
  estimated: number;
  /** What is charged (fixed) or reserved (per minute) at submission. */
  billable: number;
  mode: "fixed" | "per_minute";
  ratePerMinute: number | null;
}

/**
 * Price a request of `units` billing units (sequences, residues…; for a minute-billed tool,
 * the minutes it expects to run). A minute-billed job reserves its cap
 * (`max_reserved_credits`) when the caller sets one, else the tool's initial reservation; it
 * is estimated at its expected minutes × the rate.
 */
export function priceRequest(
  tool: SandboxTool,
  units: number,
  options: { maxReservedCredits?: number } = {},
): Price {
  const model = tool.definition.credit_model;
  if (model.is_free || model.type === "free") {
    return { estimated: 0, billable: 0, mode: "fixed", ratePerMinute: null };
  }
  if (model.type === "per_minute") {
    const rate = model.rate_credits_per_minute ?? 1;
    const initial = model.initial_reservation_credits ?? rate;
    const reserved = options.maxReservedCredits ?? initial;
    const estimated = Math.max(1, Math.ceil(units)) * rate;
    return { estimated, billable: reserved, mode: "per_minute", ratePerMinute: rate };
  }
  const base = model.base_credits ?? 0;
  const perUnit = model.type === "fixed" ? 0 : model.per_unit_credits ?? 0;
  const credits = Math.ceil(base + perUnit * units);
  return { estimated: credits, billable: credits, mode: "fixed", ratePerMinute: null };
}
