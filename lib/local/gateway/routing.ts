import { ROUTES, type Route } from '../../../lambdas/routes.ts';
import { GatewayAnswer } from './answers.ts';

export interface Match {
  route: Route;
  pathParameters: Record<string, string>;
}

const compiled = ROUTES.map((route) => ({ route: route as Route, segments: route.path.split('/').slice(1) }));

const staticSegments = (template: string[]): number => template.filter((part) => !part.startsWith('{')).length;

/** A percent-encoded path segment, decoded; a malformed escape is a 400, as API Gateway answers it. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw GatewayAnswer.of('DEFAULT_4XX', `Malformed URL path segment: ${segment}`, 400);
  }
}

/**
 * The route of the route table a request is for, with its path parameters decoded; 404 (400 for a
 * malformed path) otherwise. As in API Gateway, a path goes to its most specific resource (a fixed
 * segment before a parameter: `/bulkLoads` is never the record `bulkLoads`), and only then by method.
 */
export function match(method: string, pathname: string): Match {
  const segments = pathname.replace(/\/$/, '').split('/').slice(1);
  let specificity = -1;
  for (const { segments: template } of compiled) {
    const fits =
      template.length === segments.length &&
      template.every((part, index) => (part.startsWith('{') ? segments[index] !== '' : part === segments[index]));
    if (fits) specificity = Math.max(specificity, staticSegments(template));
  }
  for (const { route, segments: template } of compiled) {
    if (route.method !== method || template.length !== segments.length || staticSegments(template) !== specificity) continue;
    const pathParameters: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const actual = segments[index] as string;
      if (!part.startsWith('{')) return part === actual;
      if (actual === '') return false;
      pathParameters[part.slice(1, -1)] = decodePathSegment(actual);
      return true;
    });
    if (matches) return { route, pathParameters };
  }
  throw GatewayAnswer.of('MISSING_AUTHENTICATION_TOKEN', `No operation matches ${method} ${pathname}`);
}
