import { MemoryCache } from '../../lib';
import { describeHitsAndKeys } from './suites/hits-and-keys';
import { describeMethods } from './suites/methods';
import { describeRaces } from './suites/races';
import { describeTagsAndPrefixes } from './suites/tags-and-prefixes';

describe('behaviour on MemoryCache', () => {
  const backend = new MemoryCache();
  const factory = () => backend;
  describeHitsAndKeys(factory);
  describeTagsAndPrefixes(factory);
  describeRaces(factory);
  describeMethods(factory);
});
