/**
 * How long API Gateway caches an authorizer decision per Authorization header and tenantId; the
 * local gateway caches for as long, unless told otherwise.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;
