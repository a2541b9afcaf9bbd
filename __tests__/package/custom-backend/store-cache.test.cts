// A backend author's test file: the published contract suite, run by jest (its globals) against the
// custom backend. Compiled by pack.test.ts against the installed tarball (a .cts, so the output is
// CommonJS, which jest runs without a transform), then run with jest.
import { describeBackendContract } from 'easy-cache/testing';
import { MapStore, StoreCache } from './store-cache.cjs';

describeBackendContract('StoreCache', () => new StoreCache(new MapStore()), { supportsClear: false });
