/**
 * eks-nodegroup: the public library API. One pipeline:
 * instance-types → max-pods → nodegroup → yaml → validate → render → diff/format → cli.
 */
export { EksNodegroupError, type ErrorCode } from './core';
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
export {
  buildNodeGroupTemplate,
  maxPodsTableFromTemplate,
  requiredCapabilities,
  amiSsmParameter,
  selectInstanceTypes,
  resolveNodeGroupOptions,
  nodeGroupTemplate,
  DEFAULTS,
  BY_SIZE_MAPPING,
  PER_TYPE_MAPPING,
  type NodeGroupOptions,
  type NodeGroupTemplate,
  type AmiFamily,
  type MaxPodsLayout,
  type VolumeOptions,
  type VolumeType,
  type ImdsOptions,
  type SshOptions,
  type ScalingOptions,
  type KubeletValue,
} from './nodegroup';
export { toYaml, parseTemplate, parseTemplateWithSource } from './yaml';
export {
  renderTemplate,
  partitionOfRegion,
  RenderError,
  userDataOf,
  decodeUserData,
  maxPodsFromUserData,
  type ParameterValue,
  type RenderOptions,
  type RenderedTemplate,
  type UserDataEntry,
  type UserDataFormat,
  type UserDataMaxPods,
} from './render';
export {
  simulatePods,
  nodesNeeded,
  typesThatFit,
  spreadPods,
  compareBySize,
  checkSystemPods,
  parseSystemPods,
  resolveSystemPods,
  SYSTEM_POD_PRESETS,
  SYSTEM_POD_PRESET_NAMES,
  DEFAULT_SYSTEM_PODS,
  type SimulatePodsOptions,
  type PodSimulation,
  type RawNodeFacts,
  type NodeCapacity,
  type PodGroup,
  type PodEvent,
  type PodStatus,
  type Limit,
  type NodesNeeded,
  type TypesThatFit,
  type FitRow,
  type SystemPod,
  type SystemPodKind,
  type SystemPodPreset,
} from './capacity';
export { formatSimulation, formatNodesNeeded, formatFit, podRows, type PodRow } from './capacity/format';
export {
  diffTemplates,
  assertTemplate,
  cfnEqual,
  SECTION_ORDER,
  type TemplateDiff,
  type DiffEntry,
  type DiffOptions,
  type DiffSummary,
  type ValueChange,
  type LineHunk,
  type ChangeKind,
  type Impact,
  type MaxPodsRow,
  type MaxPodsView,
  type NodeReplacement,
  type NodeUpdate,
} from './diff';
export { formatDiffText, formatDiffJson, nodeUpdateText, IMPACT_TEXT, type FormatOptions } from './format';
export { loadSource, downloadText, awsTemplateUrl, type SourceOptions, type LoadedSource } from './cli/sources';
export {
  validateTemplate,
  validateTemplateText,
  formatFinding,
  hasErrors,
  schemaInfo,
  QUOTAS,
  type Finding,
  type Severity,
  type ValidateOptions,
} from './validate';
export { cli, type CliIO } from './cli';
