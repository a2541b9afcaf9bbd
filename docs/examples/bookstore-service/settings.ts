// Reading numbers from the environment and the command line, with errors that name the setting.

/** Bounds of a whole-number setting. */
export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
}

/** A whole number from `text`, or an error naming `name`, what it got and what is allowed. */
export function parseInteger(name: string, text: string, bounds: IntegerBounds): number {
  const value = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || value < bounds.min || value > bounds.max) {
    throw new Error(`${name} must be a whole number from ${bounds.min} to ${bounds.max}; received "${text}"`);
  }
  return value;
}

/** The environment variable `name` as a whole number, or `fallback` when it is unset or empty. */
export function readIntegerEnv(name: string, fallback: number, bounds: IntegerBounds): number {
  const text = process.env[name];
  return text === undefined || text.trim() === '' ? fallback : parseInteger(name, text, bounds);
}
