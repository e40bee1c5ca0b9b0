/**
 * An error the local SQS and Step Functions answer as AWS's JSON protocol does: HTTP 400 with
 * `__type` naming the error, which the SDK turns into the exception of that name.
 */
export class LocalAwsError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode = 400) {
    super(message);
    this.name = 'LocalAwsError';
    this.code = code;
    this.statusCode = statusCode;
  }
}
