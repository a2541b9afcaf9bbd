import { describeOnBackends } from '../helpers/backends-under-test';
import { BEHAVIOUR_SETTINGS, describeCoreBehaviour } from './suites/all';

// Over both memcached servers, so that keys spread between them.
describeOnBackends('behaviour on %s', ['memcached'], BEHAVIOUR_SETTINGS, describeCoreBehaviour);
