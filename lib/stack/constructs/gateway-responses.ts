import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../gateway-response-templates.ts';

/** API Gateway's own answers keep the service's `{"message"}` shape (gateway-response-templates.ts, which the local gateway renders too). */
export function addGatewayResponses(api: RestApi): void {
  for (const [type, response] of Object.entries(GATEWAY_RESPONSES) as [
    GatewayResponseType,
    (typeof GATEWAY_RESPONSES)[GatewayResponseType],
  ][]) {
    const responseType = ResponseType.of(type);
    api.addGatewayResponse(type, {
      type: responseType,
      ...(response.statusCode && { statusCode: String(response.statusCode) }),
      templates: { 'application/json': response.template },
      responseHeaders: Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name, `'${value}'`])),
    });
  }
}
