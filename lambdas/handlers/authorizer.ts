import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { UNAUTHORIZED, authorizeRequest } from '../auth/authorize-request.ts';
import { authorizerDependencies } from '../composition/operations.ts';
import { METRIC } from '../domain/metric-names.ts';
import { logger } from '../logger.ts';
import { count, metrics } from '../metrics.ts';

/**
 * The REQUEST authorizer; its log lines carry the Lambda context and API Gateway's request id. A
 * failure to decide (not a refused token, which is its `Unauthorized` answer) is counted.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<APIGatewayAuthorizerResult> {
  logger.addContext(context);
  if (event.requestContext?.requestId) logger.setCorrelationId(event.requestContext.requestId);
  try {
    return await authorizeRequest(event, authorizerDependencies());
  } catch (error) {
    if ((error as Error).message !== UNAUTHORIZED) {
      metrics.addDimension('operation', 'authorize');
      count(METRIC.authorizerFailures);
      metrics.flush();
      logger.error('authorization failed', { error: error as Error });
    }
    throw error;
  } finally {
    logger.resetKeys();
  }
}
