/**
 * eks-nodegroup: the public library API. One pipeline:
 * instance-types → max-pods → nodegroup → yaml → validate → render → diff/format → cli.
 */
export { EksNodegroupError, type ErrorCode } from './errors';
export {
  getInstanceType,
  listInstanceTypes,
  instanceTypeNames,
  suggestInstanceTypes,
  dataProvenance,
  type InstanceTypeFacts,
  type Provenance,
} from './instance-types';
export { refreshData, type RefreshOptions } from './instance-types/refresh';
export {
  maxPods,
  explainMaxPods,
  explainMaxPodsFromFacts,
  type MaxPodsOptions,
  type MaxPodsExplanation,
  type MaxPodsInputs,
  type CalculatorParityOptions,
} from './max-pods';
export { cli, type CliIO } from './cli';
