import { describeOutages } from './outage-suite';

describeOutages('memcached');
