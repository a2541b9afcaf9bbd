import { describeOnBackends } from '../helpers/backends-under-test';
import { BEHAVIOUR_SETTINGS, describeCoreBehaviour } from './suites/all';

describeOnBackends('behaviour on %s', ['memory'], BEHAVIOUR_SETTINGS, describeCoreBehaviour);
