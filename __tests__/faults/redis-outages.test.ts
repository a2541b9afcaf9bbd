import { describeOutages } from './outage-suite';

describeOutages('redis');
