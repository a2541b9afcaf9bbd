import type { BackendSettings, BackendUnderTest } from '../../helpers/backends-under-test';
import { describeHitsAndKeys } from './hits-and-keys';
import { describeMethods } from './methods';
import { describeRaces } from './races';
import { describeTagsAndPrefixes } from './tags-and-prefixes';

/** How the behaviour files build their backends: Redis on a client the test passes in, Memcached on every server. */
export const BEHAVIOUR_SETTINGS: BackendSettings = { label: 'behaviour', passClient: true, memcachedServers: 'all' };

/** Every behaviour suite, on the backend `under()` gives. */
export function describeCoreBehaviour(under: () => BackendUnderTest): void {
  const backend = () => under().backend;
  describeHitsAndKeys(backend, (ms) => under().passTime(ms));
  describeTagsAndPrefixes(backend);
  describeRaces(backend);
  describeMethods(backend);
}
