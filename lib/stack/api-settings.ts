/**
 * How long API Gateway caches an authorizer decision per Authorization header and tenantId; the
 * local gateway caches for as long, unless told otherwise.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;

/** Each function's Lambda timeout; the local gateway stops waiting for a function after as long (502). */
export const FUNCTION_TIMEOUT_SECONDS = 10;

/** API Gateway's integration timeout (the REST API default); the local gateway answers 504 after it. */
export const INTEGRATION_TIMEOUT_SECONDS = 29;

/** The JWKS is read over HTTPS only in a deployed stack (context and the CloudFormation parameter both check it). */
export const JWKS_URL_PATTERN = /^https:\/\/\S+$/;
