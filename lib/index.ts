/**
 * eks-nodegroup: what a build script needs, one group per pipeline stage (the README's API table).
 * instance-types → max-pods → nodegroup → yaml → validate → render → diff/format → capacity → cli.
 */
export { EksNodegroupError, type ErrorCode } from './core';
export { getInstanceType, listInstanceTypes, dataProvenance, type InstanceTypeFacts, type Provenance } from './instance-types';
export { maxPods, explainMaxPods, nodeResources, type MaxPodsOptions, type MaxPodsExplanation, type NodeResources, type AmiFamily } from './max-pods';
export {
  buildNodeGroupTemplate,
  resolveNodeGroupOptions,
  nodeGroupTemplate,
  requiredCapabilities,
  maxPodsTableFromTemplate,
  DEFAULTS,
  type NodeGroupOptions,
  type MixedInstancesOptions,
  type SpotAllocationStrategy,
  type ResolvedNodeGroupOptions,
  type NodeGroupTemplate,
} from './nodegroup';
export { toYaml, parseTemplate } from './yaml';
export { validateTemplate, validateTemplateText, formatFinding, hasErrors, type Finding, type ValidateOptions } from './validate';
export { renderTemplate, userDataOf, maxPodsFromUserData, type ParameterValue, type RenderOptions, type RenderedTemplate, type UserDataEntry, type UserDataMaxPods } from './render';
export { diffTemplates, type TemplateDiff, type DiffOptions } from './diff';
export { formatDiffText, formatDiffJson, type FormatOptions } from './format';
export { loadSource, type SourceOptions, type LoadedSource } from './cli/sources';
export { simulatePods, nodesNeeded, typesThatFit, type SimulatePodsOptions, type PodSimulation, type SystemPod } from './capacity';
export { formatSimulation } from './capacity/format';
export { cli, type CliIO } from './cli';
