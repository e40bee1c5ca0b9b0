import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process. Per-request facts are passed with each line rather than
 * appended as keys, because the local gateway serves many requests in one process at once.
 * Nothing that logs here receives a token or a record body.
 */
export const logger = new Logger({ serviceName: 'billing-run-actions' });
