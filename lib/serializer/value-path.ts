/** One step from the top of a value to a part of it, for messages. */
export type PathStep = string | number | { readonly entry: number; readonly mapKey?: unknown; readonly part: 'key' | 'value' | 'item' };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The path as the user would write it from the value: `value.user.tags[2]`,
 * `value.byId.get("a")`, `value.seen(item #0)`.
 */
export function formatPath(path: readonly PathStep[]): string {
  let text = 'value';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else if (typeof step === 'string') text += IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
    else if (step.part === 'item') text += `(item #${step.entry})`;
    else if (step.part === 'key') text += `(key #${step.entry})`;
    else text += typeof step.mapKey === 'string' || typeof step.mapKey === 'number' ? `.get(${JSON.stringify(step.mapKey)})` : `(value #${step.entry})`;
  }
  return text;
}
