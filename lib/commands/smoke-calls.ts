/*
 * The smoke test's requests and checks: one call of the API with its answer parsed, and what a check
 * expects of it.
 */

/** The fields of the API's answers that the checks read. */
export interface Body {
  id: string;
  name?: string;
  sys_version?: number;
  status?: string;
  loaded?: number;
  Items?: { id: string }[];
  success_count?: number;
  results?: unknown;
  upload?: { url: string; method: string; headers: Record<string, string> };
  total?: number;
  by_status?: Record<string, number>;
}

export interface Answer {
  status: number;
  body: Body;
}

/** A check failed: what was expected and what came back. */
export class CheckFailed extends Error {}

/** One request; the answer's body must be JSON (every answer of the API is), or the check fails. */
export async function call(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token && { Authorization: `Bearer ${init.token}` }),
      ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    throw new CheckFailed(`${init.method ?? 'GET'} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

export function expectStatus(answer: Answer, status: number): Body {
  if (answer.status !== status) {
    throw new CheckFailed(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
  return answer.body;
}

export function expectThat(condition: boolean, what: string): void {
  if (!condition) throw new CheckFailed(what);
}
