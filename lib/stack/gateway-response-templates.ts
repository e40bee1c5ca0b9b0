import {
  AUTHORIZER_FAILURE_RETRY_AFTER_SECONDS,
  UNAUTHORIZED_MESSAGE,
  authorizerFailureMessage,
} from '../../lambdas/auth/authorize-request.ts';

/**
 * API Gateway's own answers (gateway responses), as the stack sets them and the local gateway renders
 * them. AWS: "A GatewayResponse mapping template isn't processed by the Velocity Template Language (VTL)
 * engine" (Gateway responses in API Gateway): variables are substituted, nothing else is evaluated. So
 * every template is JSON text with variables only where the value can never break the JSON:
 * `$context.error.messageString` (API Gateway quotes and escapes it), `$context.requestId` and
 * `$context.httpMethod` (a UUID and an HTTP method token), and `$context.authorizer.reason`, which the
 * authorizer keeps free of `"`, `\` and control characters (lambdas/auth/authorize-request.ts).
 */
export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'INVALID_API_KEY'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'REQUEST_TOO_LARGE'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

export interface GatewayResponse {
  /** Absent for the defaults: they keep the status of the error they answer. */
  statusCode?: number;
  template: string;
  headers?: Record<string, string>;
}

/** The variables a template may use, and nothing else. */
export const TEMPLATE_VARIABLES = [
  '$context.error.messageString',
  '$context.requestId',
  '$context.httpMethod',
  '$context.authorizer.reason',
] as const;

const message = (text: string): string => `{"message":${JSON.stringify(text)}}`;
const INTERNAL_ERROR = message('Internal server error (request id $context.requestId)');

export const GATEWAY_RESPONSES: Record<GatewayResponseType, GatewayResponse> = {
  UNAUTHORIZED: { statusCode: 401, template: message(UNAUTHORIZED_MESSAGE), headers: { 'WWW-Authenticate': 'Bearer' } },
  ACCESS_DENIED: { statusCode: 403, template: '{"message":"$context.authorizer.reason"}' },
  INVALID_API_KEY: { statusCode: 403, template: message('Forbidden: no API key of a usage plan is associated with this tenant') },
  THROTTLED: { statusCode: 429, template: message('Too Many Requests'), headers: { 'Retry-After': '1' } },
  QUOTA_EXCEEDED: { statusCode: 429, template: message('Limit Exceeded'), headers: { 'Retry-After': '3600' } },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, template: message('No operation matches $context.httpMethod on this path') },
  REQUEST_TOO_LARGE: { statusCode: 413, template: message('Request body exceeds what API Gateway accepts (10 MB)') },
  AUTHORIZER_FAILURE: {
    statusCode: 503,
    template: message(authorizerFailureMessage('$context.requestId')),
    headers: { 'Retry-After': String(AUTHORIZER_FAILURE_RETRY_AFTER_SECONDS) },
  },
  AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, template: INTERNAL_ERROR },
  DEFAULT_4XX: { template: '{"message":$context.error.messageString}' },
  DEFAULT_5XX: { template: INTERNAL_ERROR },
};

export interface TemplateValues {
  requestId: string;
  httpMethod: string;
  /** The error's message (`$context.error.messageString` is it, quoted for JSON). */
  errorMessage: string;
  authorizerReason?: string;
}

/** A template rendered as API Gateway renders it: each variable substituted by its value, nothing evaluated. */
export function renderGatewayResponse(template: string, values: TemplateValues): string {
  const substitutes: Record<(typeof TEMPLATE_VARIABLES)[number], string> = {
    '$context.error.messageString': JSON.stringify(values.errorMessage),
    '$context.requestId': values.requestId,
    '$context.httpMethod': values.httpMethod,
    '$context.authorizer.reason': values.authorizerReason ?? '',
  };
  // Longest names first, so that no variable is taken for a shorter one it begins with.
  const names = [...TEMPLATE_VARIABLES].sort((a, b) => b.length - a.length);
  return template.replace(
    new RegExp(names.map((name) => name.replace(/[$.]/g, '\\$&')).join('|'), 'g'),
    (name) => substitutes[name as keyof typeof substitutes],
  );
}
