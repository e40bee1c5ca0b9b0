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

/**
 * What all bulk loads together may write, as a share of the records table's write throughput (its warm
 * throughput, 4,000 units a second unless raised): the rest stays free for the API's requests, so a
 * load never throttles another tenant's creates. The chunk functions get it as BULK_LOAD_WRITE_UNITS.
 */
export const LOADS_SHARE_OF_TABLE = 0.85;
/** A new on-demand table's warm write throughput ("Initial throughput for on-demand capacity mode"), where context raises none. */
export const NEW_TABLE_WRITE_UNITS = 4_000;
export const loadsWriteUnits = (tableWriteUnits: number): number => Math.max(1, Math.floor(tableWriteUnits * LOADS_SHARE_OF_TABLE));
