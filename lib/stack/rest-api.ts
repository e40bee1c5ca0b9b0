import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import {
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type RequestAuthorizer,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { accessLogFormat } from './access-log-format.ts';
import { WebFirewall } from './constructs/web-firewall.ts';
import { acknowledge } from './nag.ts';
import type { StageThrottle } from './tiers.ts';

export interface ServiceRestApiProps {
  stageThrottle: StageThrottle;
  /** AWS WAF's per-IP rate limit (5 minutes), or false for no WAF. */
  wafRateLimitPerFiveMinutes: number | false;
  logRetention: RetentionDays;
  /** Whether this stack sets the account's API Gateway CloudWatch role (one setting per account and region). */
  apiGatewayAccount: boolean;
}

/**
 * The regional REST API, stage v1: access logs, tracing, API keys from the authorizer on every method,
 * AWS WAF in front unless left out. Made on the stack itself (its construct ids, and so the deployed
 * resources, stay as they were).
 */
export function serviceRestApi(stack: Stack, props: ServiceRestApiProps, authorizer: RequestAuthorizer): RestApi {
  const accessLogs = new LogGroup(stack, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
  const api = new RestApi(stack, 'Api', {
    restApiName: stack.stackName,
    description: 'Billing Run Actions service',
    endpointTypes: [EndpointType.REGIONAL],
    apiKeySourceType: ApiKeySourceType.AUTHORIZER,
    // Every request body reaches the functions as the client's bytes (base64, isBase64Encoded): without
    // binary media types API Gateway handles a payload "as a UTF-8 encoded JSON string" (AWS, Binary media
    // types for REST APIs), so bytes that are not UTF-8 could not be refused. The functions decode bodies by
    // the rule bulk load lines follow (strict UTF-8, a leading BOM dropped); their responses are text
    // (isBase64Encoded unset), which a Lambda proxy integration returns as it is.
    binaryMediaTypes: ['*/*'],
    // AWS::ApiGateway::Account is one per account and region: one stack owns it (apiGatewayAccount).
    cloudWatchRole: props.apiGatewayAccount,
    ...(props.apiGatewayAccount && { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }),
    deployOptions: {
      stageName: 'v1',
      throttlingRateLimit: props.stageThrottle.rateLimit,
      throttlingBurstLimit: props.stageThrottle.burstLimit,
      tracingEnabled: true,
      metricsEnabled: true,
      loggingLevel: MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: accessLogFormat(),
    },
    defaultMethodOptions: { authorizer, authorizationType: AuthorizationType.CUSTOM, apiKeyRequired: true },
  });
  acknowledge(api, {
    'AwsSolutions-APIG2':
      'Requests are validated in the functions against the same Zod schemas as the record, answering 400 with details naming every bad field; a gateway validator would answer first, less precisely.',
    'AwsSolutions-COG4':
      'Callers present JWTs of the configured external issuer, verified (signature, iss, aud, exp) by the Lambda REQUEST authorizer.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]':
      'The account-level API Gateway CloudWatch role uses this AWS managed policy by design; it only lets API Gateway write its logs.',
  });
  if (props.wafRateLimitPerFiveMinutes === false) {
    acknowledge(api.deploymentStage, {
      'AwsSolutions-APIG3': 'The operator left AWS WAF out (context waf=false); stage throttling and per-tenant usage plans still apply.',
    });
  } else {
    new WebFirewall(stack, 'WebFirewall', { stage: api.deploymentStage, rateLimitPerFiveMinutes: props.wafRateLimitPerFiveMinutes });
  }
  return api;
}
