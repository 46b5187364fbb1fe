export { rebuildRollups, verifyRollups, type RollupDifference } from './rollup.verify';
