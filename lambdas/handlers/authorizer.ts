import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { UNAUTHORIZED, authorizeRequest } from '../auth/authorize-request.ts';
import { authorizerDependencies } from '../composition/operations.ts';
import { METRIC } from '../domain/metric-names.ts';
import { invocation } from '../invocation.ts';

/**
 * The REQUEST authorizer; its log lines carry the Lambda context and API Gateway's request id. A
 * failure to decide (not a refused token, which is its `Unauthorized` answer) is counted and logged.
 */
export const handler = (event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<APIGatewayAuthorizerResult> =>
  invocation('authorize', context, () => authorizeRequest(event, authorizerDependencies()), {
    correlationId: event.requestContext?.requestId,
    failure: {
      metric: METRIC.authorizerFailures,
      message: 'authorization failed',
      isAnswer: (error) => (error as Error).message === UNAUTHORIZED,
    },
  });
