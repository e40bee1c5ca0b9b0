import { CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import { IdentitySource, RequestAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AUTHORIZER_ENTRY } from '../../lambdas/stack-functions.ts';
import { AUTHORIZER_CACHE_TTL_SECONDS, JWKS_URL_PATTERN } from './api-settings.ts';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ServiceFunction } from './constructs/service-function.ts';

/** The REQUEST authorizer (identity sources: the Authorization header and the tenantId), its decisions cached. */
export function requestAuthorizer(
  stack: Stack,
  props: {
    issuer: string | undefined;
    jwksUrl: string | undefined;
    audience: string;
    tenantClaim: string;
    logRetention: RetentionDays;
    tenantsTable: ITable;
  },
): RequestAuthorizer {
  const issuer = new CfnParameter(stack, 'Issuer', {
    type: 'String',
    description: 'The JWT issuer (iss) the authorizer accepts, e.g. https://login.example.com/',
    minLength: 1,
    ...(props.issuer && { default: props.issuer }),
  });
  const jwksUrl = new CfnParameter(stack, 'JwksUrl', {
    type: 'String',
    description: "The issuer's JSON Web Key Set URL (https://...)",
    allowedPattern: JWKS_URL_PATTERN.source.replaceAll('\\/', '/'),
    constraintDescription: 'must be an https:// URL',
    ...(props.jwksUrl && { default: props.jwksUrl }),
  });
  const authorizerFunction = new ServiceFunction(stack, 'Authorizer', {
    entry: AUTHORIZER_ENTRY,
    description: 'Verifies the bearer JWT and the tenant; returns the tenant usage identifier key',
    logRetention: props.logRetention,
    environment: {
      TENANTS_TABLE_NAME: props.tenantsTable.tableName,
      JWT_ISSUER: issuer.valueAsString,
      JWT_AUDIENCE: props.audience,
      JWKS_URL: jwksUrl.valueAsString,
      TENANT_CLAIM: props.tenantClaim,
    },
  });
  authorizerFunction.grantTable(props.tenantsTable, ['GetItem']);
  return new RequestAuthorizer(stack, 'RequestAuthorizer', {
    handler: authorizerFunction.function,
    identitySources: [IdentitySource.header('Authorization'), 'method.request.path.tenantId'],
    resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
  });
}
