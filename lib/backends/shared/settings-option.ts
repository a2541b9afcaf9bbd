/**
 * The shape the remote backends' switchable options share (`breaker`, `decodeMemo`): `false` for
 * off, or an object of optional settings over defaults, unknown members (typos) refused.
 */

/** A check per setting: whether a given member (not `undefined`) is allowed. */
export type SettingChecks = Readonly<Record<string, (member: unknown) => boolean>>;

/** Whether `value` is `false`, or an object whose members are all named in `checks` and pass theirs (an `undefined` one passes). */
export function isFalseOrSettings(value: unknown, checks: SettingChecks): boolean {
  if (value === false) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Own names only: an inherited one (`toString`) is not a setting.
  return Object.entries(value).every(([name, member]) => Object.hasOwn(checks, name) && (member === undefined || (checks[name] as (member: unknown) => boolean)(member)));
}

/** `false`, or `defaults` with each setting `option` gives (not `undefined`) in its place, frozen. */
export function settingsOver<S extends object>(option: Partial<S> | false | undefined, defaults: S): S | false {
  if (option === false) return false;
  const settings: Record<string, unknown> = {};
  for (const [name, fallback] of Object.entries(defaults)) settings[name] = (option as Record<string, unknown> | undefined)?.[name] ?? fallback;
  return Object.freeze(settings) as S;
}
