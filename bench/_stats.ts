/**
 * Small helpers the benchmarks share: command-line options and order statistics.
 * @module
 */

/**
 * The number after `--name` on the command line, or `fallback`.
 *
 * @example
 * ```ts
 * const jobs = option("jobs", 12); // deno run bench/x.ts --jobs 4
 * ```
 */
export function option(name: string, fallback: number): number {
  const index = Deno.args.indexOf(`--${name}`);
  return index >= 0 ? Number(Deno.args[index + 1]) : fallback;
}

/**
 * Whether `--name` is on the command line.
 *
 * @example
 * ```ts
 * const full = flag("full");
 * ```
 */
export function flag(name: string): boolean {
  return Deno.args.includes(`--${name}`);
}

/**
 * The median of `values`.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The `p` quantile (0..1) of `values`, nearest rank.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 0.99); // 4
 * ```
 */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Resident set size of a process in bytes, from `/proc/<pid>/status` (`VmRSS`).
 *
 * @example
 * ```ts
 * const rss = await rssOf(Deno.pid);
 * ```
 */
export async function rssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Peak resident set size of a process in bytes (`VmHWM`).
 *
 * @example
 * ```ts
 * const peak = await peakRssOf(Deno.pid);
 * ```
 */
export async function peakRssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) * 1024;
}
