import { randomUUID } from 'node:crypto';

/** A new tag version: random and unique, never a clock or a counter two processes could repeat. */
export function newTagVersion(): string {
  return randomUUID();
}
