export { checkPeriod } from '../../common/period.js';
