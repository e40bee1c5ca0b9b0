import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { authorizeRequest } from '../auth/authorize-request.ts';
import { authorizerDependencies } from '../composition.ts';
import { logger } from '../logger.ts';

/** The REQUEST authorizer; its log lines carry the Lambda context and API Gateway's request id. */
export async function handler(event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<APIGatewayAuthorizerResult> {
  logger.addContext(context);
  if (event.requestContext?.requestId) logger.setCorrelationId(event.requestContext.requestId);
  try {
    return await authorizeRequest(event, authorizerDependencies());
  } finally {
    logger.resetKeys();
  }
}
