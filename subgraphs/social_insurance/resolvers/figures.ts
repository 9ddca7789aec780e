export { checkPeriod } from '../../../platform/period.js';
