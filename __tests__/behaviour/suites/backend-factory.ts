import type { CacheInstance } from '../../../lib';

/** Makes the backend a behaviour suite runs on; each suite also gets a namespace for its keys. */
export type BackendFactory = () => CacheInstance;

let counter = 0;

/** A fresh namespace for one test's keys and tags, so tests can share a server. */
export function freshNamespace(): string {
  counter += 1;
  return `ns${process.pid}x${Date.now().toString(36)}x${counter}`;
}
