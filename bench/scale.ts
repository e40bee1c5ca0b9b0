/**
 * The one scale of the bench's capacity figures (AWS's numbers divided by it). A module of its own, so
 * that the bench's main process learns it without loading the local service (whose gateway, once loaded,
 * marks the process as Lambda's for Powertools, which the bench's bare children must not inherit).
 */
export const SCALE = 20;
