import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AUTHORIZER_FAILURE_RETRY_AFTER_SECONDS,
  UNAUTHORIZED_MESSAGE,
  authorizerFailureMessage,
} from '../../../lambdas/auth/authorize-request.ts';

const json = (value: unknown): string => JSON.stringify(value);

/**
 * A mapping-template variable escaped for a JSON string: `$util.escapeJavaScript` also turns `'` into
 * `\'`, which JSON does not allow, so that is undone (the argument of `replaceAll` is a Java regex).
 */
const jsonEscaped = (variable: string): string => String.raw`$util.escapeJavaScript(${variable}).replaceAll("\\'","'")`;

/** API Gateway's own answers keep the service's `{"message"}` shape, and are valid JSON whatever the request held. */
export function addGatewayResponses(api: RestApi): void {
  const respond = (type: ResponseType, statusCode: string | undefined, message: string, headers: Record<string, string> = {}) =>
    api.addGatewayResponse(type.responseType, {
      type,
      ...(statusCode && { statusCode }),
      templates: { 'application/json': `{"message":${message}}` },
      responseHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`])),
    });
  respond(ResponseType.UNAUTHORIZED, '401', json(UNAUTHORIZED_MESSAGE), { 'WWW-Authenticate': 'Bearer' });
  respond(
    ResponseType.ACCESS_DENIED,
    '403',
    `"#if($context.authorizer.reason)${jsonEscaped('$context.authorizer.reason')}#{else}Forbidden#end"`,
  );
  respond(ResponseType.INVALID_API_KEY, '403', json('Forbidden: no API key of a usage plan is associated with this tenant'));
  respond(ResponseType.THROTTLED, '429', json('Too Many Requests'), { 'Retry-After': '1' });
  respond(ResponseType.QUOTA_EXCEEDED, '429', json('Limit Exceeded'), { 'Retry-After': '3600' });
  respond(ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', `"No operation matches $context.httpMethod ${jsonEscaped('$context.path')}"`);
  respond(ResponseType.REQUEST_TOO_LARGE, '413', json('Request body exceeds what API Gateway accepts (10 MB)'));
  respond(ResponseType.AUTHORIZER_FAILURE, '503', json(authorizerFailureMessage('$context.requestId')), {
    'Retry-After': String(AUTHORIZER_FAILURE_RETRY_AFTER_SECONDS),
  });
  respond(ResponseType.AUTHORIZER_CONFIGURATION_ERROR, '500', '"Internal server error (request id $context.requestId)"');
  respond(ResponseType.DEFAULT_4XX, undefined, '$context.error.messageString');
  respond(ResponseType.DEFAULT_5XX, undefined, '"Internal server error (request id $context.requestId)"');
}
