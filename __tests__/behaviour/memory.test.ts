import { MemoryCache } from '../../lib';
import { describeCoreBehaviour } from './suites/all';

describe('behaviour on MemoryCache', () => {
  const backend = new MemoryCache();
  describeCoreBehaviour(() => backend);
});
