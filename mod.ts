/**
 * proteiniq-notebook: drive the ProteinIQ job API from Jupyter notebooks running the Deno
 * kernel — quote a run, submit it, watch it live, read the results, download the files.
 * With no API key configured, {@linkcode connect} starts an embedded, ProteinIQ-compatible
 * sandbox with real, small tools.
 *
 * @example
 * ```ts
 * import { connect, fastaInput, structureView } from "./mod.ts";
 *
 * const piq = await connect();
 * // The documented request; in the sandbox `esmfold` is a stand-in that says so.
 * const request = {
 *   tool: "esmfold",
 *   name: "Lysozyme ESMFold run",
 *   input: fastaInput(">lysozyme\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR"),
 * };
 * const quote = await piq.jobs.quote(request);
 * const job = await piq.jobs.submit(request);
 * await job.wait();
 * const result = await job.result();
 * await structureView(result, { color: "plddt" });
 * await result.download("prediction.pdb", { dir: "downloads" });
 * ```
 * @module
 */
export { connect, type ConnectOptions, defaultSandboxDatabase } from "./lib/client/connect.ts";
export { type ClientOptions, ProteinIQ } from "./lib/client/client.ts";
export { Job, type JobCancellationResult, type WaitOptions } from "./lib/client/job.ts";
export { Result, type ResultDownloadOptions } from "./lib/client/result.ts";
export type { DownloadedFile } from "./lib/client/_download.ts";
export {
  JobHistory,
  type JobRequest,
  type ListJobsOptions,
  type Quote,
  type SubmitOptions,
} from "./lib/client/jobs.ts";
export type { Tool, ToolCatalog, Tools } from "./lib/client/tools.ts";
export type { Jobs } from "./lib/client/jobs.ts";
export type { Results } from "./lib/client/results.ts";
export type { CoreOptions, HttpCore, RequestOptions, RetryPolicy } from "./lib/client/_core.ts";
export { DOCUMENTED_POLLING, type PollSchedule, SANDBOX_POLLING } from "./lib/client/_wait.ts";
export * from "./lib/client/errors.ts";
export { fastaInput, fastaItem, type FastaItemOptions } from "./lib/inputs/fasta.ts";
export {
  type FaultProfile,
  type FaultStats,
  type Pace,
  PACES,
  type Sandbox,
  type SandboxOptions,
  type SandboxSettings,
  startSandbox,
  type Workspace,
  type WorkspaceOptions,
} from "./lib/sandbox/mod.ts";
export {
  JOB_STATUSES,
  type JobStatus,
  RESULT_READY_STATUSES,
  TERMINAL_STATUSES,
} from "./lib/contract/jobs.ts";

// Contract types: the API's wire shapes, as the client sends and reads them.
export type {
  BillingRequest,
  BlockingError,
  InputItem,
  InputSource,
  JobBilling,
  JobInput,
  JobQuote,
  JobSettings,
  QuoteRequest,
  SubmitRequest,
} from "./lib/contract/_wire.ts";
export type {
  CreditModel,
  InputSlot,
  OutputField,
  OutputFile,
  SettingDefinition,
  ToolDetail,
  ToolLimits,
  ToolSummary,
} from "./lib/contract/_wire.ts";
export type { ClientJob, ClientJobResult, ResultFile } from "./lib/contract/_wire.ts";
export { type Scope, SCOPES } from "./lib/contract/account.ts";
export type { CheckOptions, ItemFacts } from "./lib/contract/check.ts";
export type { Issue } from "./lib/contract/issues.ts";

// Displays: progress, tables, structures, charts.
export { type AssetOptions, configureDisplays } from "./lib/display/assets.ts";
export { $display, type Displayable, type MimeBundle } from "./lib/display/_jupyter.ts";
export type { Broadcast, LiveOptions } from "./lib/display/_live.ts";
export {
  formatDuration,
  LiveProgress,
  type LiveProgressOptions,
  pipelineStatusStyle,
  type ProgressState,
  renderJobProgress,
  STATUS_STYLES,
  type StatusPhase,
  type StatusStyle,
  statusStyle,
  type StatusStyleFn,
} from "./lib/display/progress.ts";
export {
  type BoardSummary,
  MultiJobProgress,
  type MultiJobProgressOptions,
  type MultiJobState,
  renderMultiJobProgress,
  summarizeJobs,
} from "./lib/display/multi_progress.ts";
export { type Column, renderTable, type TableOptions } from "./lib/display/table.ts";
export { type HistoryOptions, renderJobHistory } from "./lib/display/history.ts";
export { type QuoteState, renderQuote } from "./lib/display/quote.ts";
export { type CsvOptions, recordsToCSV, type ResultExport } from "./lib/display/export.ts";
export type { ResultExportOptions } from "./lib/client/result.ts";
export {
  type ChainSummary,
  type ColorParams,
  residueBFactors,
  type StructureColoring,
  type StructureSource,
  StructureView,
  structureView,
  type StructureViewOptions,
} from "./lib/display/structure.ts";
export type { Atom as ParsedAtom, ParsedStructure } from "./lib/display/_structure_parse.ts";
export {
  Chart,
  type ChartOptions,
  jobTimeline,
  type JobTimelineOptions,
  PLDDT_BANDS,
  type PlotlyFigure,
  type ProfileInput,
  propertyBars,
  type PropertyBarsOptions,
  type RecordsInput,
  type ResiduePoint,
  residueProfile,
  type ResidueProfileOptions,
  type TimelineJob,
} from "./lib/display/charts.ts";
export type { BarSeries, ChartModel, LineSeries, RangeGroup } from "./lib/display/_chart_model.ts";

// The rest of the API: account, files, input builders, events.
export { Account, type AccountInfo } from "./lib/client/account.ts";
export {
  type FileDeletion,
  Files,
  type ListFilesOptions,
  mimeTypeOf,
  type SavedFile,
  type UploadOptions,
  type UploadSource,
} from "./lib/client/files.ts";
export { Listing, type Page, type PaginateOptions } from "./lib/client/_pagination.ts";
export type { OpenApiDocument } from "./lib/client/client.ts";
export type { QuoteOptions } from "./lib/client/jobs.ts";
export type { DuplicateJobOptions, RetryJobOptions } from "./lib/client/job.ts";
export { DEFAULT_EVENTS, type EventsPolicy } from "./lib/client/_events.ts";
export {
  formatsOfName,
  InputBuilder,
  type ItemOptions,
  type JobOutputOptions,
  type LocalFileOptions,
} from "./lib/inputs/builder.ts";
export { checkJobRequest } from "./lib/contract/check.ts";

// Sequence and structure computations (what the sandbox tools run).
export {
  type GeneticCode,
  geneticCode,
  reverseComplement,
  type StopHandling,
  translate,
  type TranslateOptions,
  type Translation,
} from "./lib/bio/genetic_code.ts";
export {
  type AlignmentScoring,
  type AlignOptions,
  alignPair,
  type PairwiseAlignment,
} from "./lib/bio/align.ts";
export {
  type ProfileSegment,
  type ScaleProfile,
  scaleProfile,
  type ScaleProfileOptions,
  thresholdSegments,
} from "./lib/bio/hydropathy.ts";
export {
  backTranslate,
  type BackTranslateOptions,
  type BackTranslation,
  type BackTranslationStrategy,
  gcFraction,
} from "./lib/bio/back_translate.ts";
export {
  type FastqIssue,
  type FastqRead,
  parseFastq,
  type ParseFastqOptions,
  type QualityEncoding,
} from "./lib/bio/fastq.ts";
export {
  type BuildOptions,
  buildPeptide,
  type BuiltAtom,
  type BuiltPeptide,
  type BuiltResidue,
  CONFORMATIONS,
  type PeptidePdbOptions,
  peptideToPdb,
  type SecondarySegment,
} from "./lib/bio/structure/builder.ts";
export {
  type AnalyzeOptions,
  analyzeStructure,
  type ChainAnalysis,
  type ChainSequence,
  type ChainSequenceOptions,
  chainSequences,
  parseStructure as readStructure,
  type ResidueAnalysis,
  STRUCTURE_FORMATS,
  type StructureAnalysis,
  type StructureFormat,
} from "./lib/bio/structure/analysis.ts";
export type { Atom, Chain, Model, Residue, Structure } from "./lib/bio/structure/model.ts";
export type { DsspCode } from "./lib/bio/structure/dssp.ts";
export type { Vec3 } from "./lib/bio/structure/geometry.ts";

// Batches, and the pipeline-job API of a second vendor.
export {
  Batch,
  BatchBudgetError,
  type BatchCost,
  BatchInvalidItemsError,
  type BatchOptions,
  type BatchRow,
  type BatchSummary,
  runBatch,
} from "./lib/batch/batch.ts";
export { proteinIQAdapter, runToolBatch, type ToolBatchOptions } from "./lib/batch/proteiniq.ts";
export {
  type BatchInputs,
  type BatchItem,
  type FastaText,
  fastaTexts,
  inputTexts,
} from "./lib/batch/items.ts";
export {
  type AdapterCallOptions,
  type BatchEstimate,
  type JobAdapter,
  type JobRecords,
  type JobSnapshot,
  pollJob,
  type StatusInfo,
  statusInfo,
  waitForJob,
  type WaitForJobOptions,
  waitForJobs,
  type WaitForJobsOptions,
} from "./lib/batch/adapter.ts";
export { defaultManifestPath as batchManifestPath, idempotencyKeyFor } from "./lib/batch/_keys.ts";
export { ITEM_STATES, type ItemState, ManifestError } from "./lib/batch/_manifest.ts";
export {
  PipelineClient,
  type PipelineClientOptions,
  PipelineJob,
  type PipelineJobRequest,
  PipelineJobs,
  type PipelineSubmitOptions,
  PipelineVariants,
  type PipelineWaitOptions,
} from "./lib/pipeline/client.ts";
export type {
  PipelineHttp,
  PipelineHttpOptions,
  PipelineRequestOptions,
} from "./lib/pipeline/_http.ts";
export type { PipelineAppOptions } from "./lib/pipeline/_app.ts";
export {
  connectPipeline,
  type ConnectPipelineOptions,
  defaultPipelineDatabase,
} from "./lib/pipeline/connect.ts";
export {
  PIPELINE_PACES,
  type PipelinePace,
  type PipelineSandbox,
  type PipelineSandboxOptions,
  SEED_VARIANTS,
  startPipelineSandbox,
} from "./lib/pipeline/sandbox.ts";
export {
  JOB_TYPES,
  type JobType,
  PIPELINE_POLLING,
  PIPELINE_ROUTES,
  PIPELINE_SANDBOX_POLLING,
  PIPELINE_STATUSES,
  type PipelineRoute,
  type PipelineStatus,
} from "./lib/pipeline/contract.ts";
export type {
  PipelineJob as PipelineJobEnvelope,
  PipelineJobResults,
  SubmitPipelineJob,
  Variant,
} from "./lib/contract/_wire.ts";
