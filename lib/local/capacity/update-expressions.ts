import type { AttributeValue, Item } from './units.ts';

type Request = Record<string, unknown>;

/**
 * What an `UpdateExpression` does to an item's top-level attributes, as far as the emulator reads it
 * without evaluating it: `SET name = :value` sets a value, `REMOVE name` removes the attribute; any other
 * action (a function, arithmetic, a nested path, `ADD`, `DELETE`) changes its attribute in a way the
 * emulator leaves as it was. Index keys are top-level scalars, so setting or removing one is read exactly.
 */
export interface UpdateEffect {
  set: Map<string, AttributeValue>;
  removed: Set<string>;
  /** Every top-level attribute an action names on its left side. */
  touched: Set<string>;
}

/** SET, REMOVE, ADD and DELETE are reserved words, so they can only be the expression's clause keywords. */
const CLAUSE = /\b(SET|REMOVE|ADD|DELETE)\b/gi;

/** Splits at commas outside parentheses (a SET action may call a function of several arguments). */
function actions(clause: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < clause.length; index++) {
    const char = clause[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(clause.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(clause.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

export function updateEffect(request: Request): UpdateEffect {
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (request.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const effect: UpdateEffect = { set: new Map(), removed: new Set(), touched: new Set() };
  const expression = String(request.UpdateExpression ?? '');
  const keywords = [...expression.matchAll(CLAUSE)];
  for (const [position, keyword] of keywords.entries()) {
    const from = (keyword.index ?? 0) + keyword[0].length;
    const to = keywords[position + 1]?.index ?? expression.length;
    const verb = keyword[0].toUpperCase();
    for (const action of actions(expression.slice(from, to))) {
      const [path = '', rest = ''] = verb === 'SET' ? action.split(/=(.*)/s) : [action.split(/\s+/)[0], ''];
      const first = path.trim().split(/[.[]/)[0] as string;
      const name = names[first] ?? first;
      effect.touched.add(name);
      const whole = first === path.trim();
      if (!whole) continue;
      const value = values[rest.trim()];
      if (verb === 'SET' && value) effect.set.set(name, value);
      else if (verb === 'REMOVE') effect.removed.add(name);
    }
  }
  return effect;
}

/** The item after the update, as far as the emulator can tell: the item before (or only its key, when there was none) with the values set and the attributes removed. */
export function itemAfterUpdate(before: Item | undefined, key: Item, effect: UpdateEffect): Item {
  const after: Item = { ...(before ?? key), ...Object.fromEntries(effect.set) };
  for (const name of effect.removed) delete after[name];
  return after;
}
