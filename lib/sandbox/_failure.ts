/**
 * `ApiFailure`: what a sandbox handler throws to answer with the error envelope.
 * The app's error handler turns it into `{"error": {code, message, details}}` with its status.
 * @module
 */
import { ERROR_STATUS, type ErrorCode } from "../contract/errors.ts";

/** A client-facing error with a documented code. */
export class ApiFailure extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly headers: Record<string, string>;

  /** Build a failure; the status follows from the code. */
  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiFailure";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** The envelope body. */
  toBody(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}
