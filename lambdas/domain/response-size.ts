/**
 * AWS Lambda refuses a synchronous response over 6 MB, and API Gateway then answers 502. The response
 * is a JSON document whose `body` is the API's JSON as one escaped string, so what counts is that
 * escaped form. Lists and batches keep what they carry within a budget that leaves room for the
 * envelope, the headers and a cursor.
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;
export const RESPONSE_BUDGET_BYTES = LAMBDA_RESPONSE_LIMIT_BYTES - 64 * 1024;

/** The bytes a value adds to the Lambda response once it is part of the body string (escapes included). */
export const payloadBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(JSON.stringify(value))) - 2;
