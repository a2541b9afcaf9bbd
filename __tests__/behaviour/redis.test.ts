import { describeOnBackends } from '../helpers/backends-under-test';
import { BEHAVIOUR_SETTINGS, describeCoreBehaviour } from './suites/all';

describeOnBackends('behaviour on %s', ['redis', 'redis-cluster'], BEHAVIOUR_SETTINGS, describeCoreBehaviour);
