import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/**
 * One JSON line per request in the stage's access log: the request id (the `x-amzn-RequestId` the client
 * got, and the `correlation_id` of the functions' log lines), who called for which tenant with which API
 * key, what, the answer and its error, and where the time went. Every value is an id, a number, a
 * name or one of API Gateway's own error messages; the format itself is JSON (cdk-nag checks it).
 */
export function accessLogFormat(): AccessLogFormat {
  const fields: Record<string, string> = {
    requestId: AccessLogField.contextRequestId(),
    extendedRequestId: AccessLogField.contextExtendedRequestId(),
    ip: AccessLogField.contextIdentitySourceIp(),
    principal: AccessLogField.contextAuthorizerPrincipalId(),
    tenant: AccessLogField.contextAuthorizer('tenant'),
    tier: AccessLogField.contextAuthorizer('tier'),
    apiKeyId: AccessLogField.contextIdentityApiKeyId(),
    method: AccessLogField.contextHttpMethod(),
    resourcePath: AccessLogField.contextResourcePath(),
    status: AccessLogField.contextStatus(),
    responseType: AccessLogField.contextErrorResponseType(),
    authorizerStatus: AccessLogField.contextAuthorizerStatus(),
    authorizerLatencyMs: AccessLogField.contextAuthorizerLatency(),
    integrationStatus: AccessLogField.contextIntegrationStatus(),
    integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
    responseLatencyMs: AccessLogField.contextResponseLatency(),
    wafStatus: AccessLogField.contextWafStatus(),
    error: AccessLogField.contextErrorMessage(),
  };
  return AccessLogFormat.custom(JSON.stringify(fields));
}
