import { ROUTES, type Route } from '../../../lambdas/routes.ts';
import { GatewayAnswer } from './answers.ts';

export interface Match {
  route: Route;
  pathParameters: Record<string, string>;
}

const compiled = ROUTES.map((route) => ({ route: route as Route, segments: route.path.split('/').slice(1) }));

/** The route of the route table a request is for, with its path parameters decoded; 404 (400 for a malformed path) otherwise. */
export function match(method: string, pathname: string): Match {
  const segments = pathname.replace(/\/$/, '').split('/').slice(1);
  for (const { route, segments: template } of compiled) {
    if (route.method !== method || template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const actual = segments[index] as string;
      if (!part.startsWith('{')) return part === actual;
      if (actual === '') return false;
      try {
        pathParameters[part.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        throw new GatewayAnswer(400, `Malformed URL path: ${pathname}`);
      }
      return true;
    });
    if (matches) return { route, pathParameters };
  }
  throw new GatewayAnswer(404, `No operation matches ${method} ${pathname}`);
}
