import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type AuthorizerDependencies, authorizeRequest } from '../auth/authorize-request.ts';
import { JoseTokenVerifier } from '../auth/token-verifier.ts';
import { authConfig, tenantRegistryConfig } from '../config.ts';
import { logger } from '../middleware/logger.ts';
import { createDocumentClient } from '../storage/document-client.ts';
import { DynamoDbTenantRegistry } from '../storage/dynamodb-tenant-registry.ts';

let dependencies: AuthorizerDependencies | undefined;

function authorizerDependencies(): AuthorizerDependencies {
  if (!dependencies) {
    const config = tenantRegistryConfig();
    dependencies = {
      verifier: new JoseTokenVerifier(authConfig()),
      tenants: new DynamoDbTenantRegistry(
        createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint }),
        config.tenantsTableName,
      ),
      log: (message, attributes) => logger.info(message, attributes),
    };
  }
  return dependencies;
}

export const handler = (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> =>
  authorizeRequest(event, authorizerDependencies());
