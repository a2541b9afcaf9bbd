import type { BackendFactory } from './backend-factory';
import { describeHitsAndKeys } from './hits-and-keys';
import { describeMethods } from './methods';
import { describeRaces } from './races';
import { describeTagsAndPrefixes } from './tags-and-prefixes';

/** Every behaviour suite, on the backend `backend()` gives. */
export function describeCoreBehaviour(backend: BackendFactory): void {
  describeHitsAndKeys(backend);
  describeTagsAndPrefixes(backend);
  describeRaces(backend);
  describeMethods(backend);
}
