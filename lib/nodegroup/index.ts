/**
 * The node-group template builder: AWS's current AL2023 self-managed node-group template (same
 * parameter names and logical IDs, so an existing stack can switch with an ordinary update) plus
 * what computed max pods needs: a mapping with every offered type's max pods (from `maxPods()`),
 * the lookup for the deploy-time `NodeInstanceType`, and the user data that hands it to kubelet.
 * Secure defaults beyond AWS's: IMDSv2 required, encrypted volume, no SSH ingress.
 *
 * `buildNodeGroupTemplate(options)` = `nodeGroupTemplate(resolveNodeGroupOptions(options))`: the
 * resolver (resolve.ts) checks every option and fills in every default; the builder below only
 * assembles. Resource shapes are cloudform-types' (imported as types only, see ./cfn).
 */
import type { LaunchTemplateProperties } from 'cloudform-types/types/ec2/launchTemplate';
import type { AutoScalingGroupProperties } from 'cloudform-types/types/autoScaling/autoScalingGroup';
import type { RoleProperties } from 'cloudform-types/types/iam/role';
import type { InstanceProfileProperties } from 'cloudform-types/types/iam/instanceProfile';
import type { SecurityGroupProperties } from 'cloudform-types/types/ec2/securityGroup';
import type { SecurityGroupIngressProperties } from 'cloudform-types/types/ec2/securityGroupIngress';
import type { SecurityGroupEgressProperties } from 'cloudform-types/types/ec2/securityGroupEgress';
import { badArgument, checkTree, isRecord } from '../core';
import { EBS_HDD_TYPES } from '../core/aws';
import { dataProvenance } from '../instance-types';
import { getAtt, ref, sub, type Cfn, type Intrinsic, type Resource, type Template } from './cfn';
import { arm64Lookup, maxPodsLookup, templateMaxPods } from './layout';
import type { NodeGroupOptions, ResolvedNodeGroupOptions } from './options';
import { AMI_PARAMETERS, parameterNames, templateParameters } from './parameters';
import { resolveNodeGroupOptions } from './resolve';
import { MAX_PODS_VARIABLE, userDataText } from './user-data';

export type {
  AmiFamily,
  ImdsOptions,
  KubeletValue,
  MaxPodsLayout,
  MixedInstancesOptions,
  NodeGroupOptions,
  ResolvedNodeGroupOptions,
  ScalingOptions,
  SpotAllocationStrategy,
  SshOptions,
  VolumeOptions,
  VolumeType,
} from './options';
export { DEFAULTS } from './options';
export type { Template as NodeGroupTemplate, Intrinsic } from './cfn';
export { BY_SIZE_MAPPING, PER_TYPE_MAPPING, familyKey } from './layout';
export { selectInstanceTypes } from './instance-selection';
export { amiSsmParameter, resolveNodeGroupOptions } from './resolve';
export { maxPodsKey, MAX_PODS_VARIABLE } from './user-data';
export { ALLOWED_VALUES_LIMIT } from './parameters';

const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

function parameterGroups(r: ResolvedNodeGroupOptions): unknown[] {
  const names = new Set(parameterNames(r.amiFamily, r.architectures, r.mixedInstances !== undefined));
  return PARAMETER_GROUPS.map((g) => ({
    ...g,
    Parameters: g.Parameters.flatMap((p) => (p === AMI_PARAMETERS.x86_64 ? r.architectures.map((a) => AMI_PARAMETERS[a]) : [p])).filter((p) => names.has(p)),
  }));
}

/** The image of a node: NodeImageId when given, else the AMI parameter of the deploy-time type's architecture. */
function imageId(r: ResolvedNodeGroupOptions, mixedArchitecture?: 'x86_64' | 'arm64'): Intrinsic {
  if (mixedArchitecture !== undefined) {
    // A mixed group's launch template serves one architecture; NodeImageId exists only when the group has one.
    const own = ref(AMI_PARAMETERS[mixedArchitecture]);
    return r.architectures.length > 1 ? own : { 'Fn::If': ['HasNodeImageId', ref('NodeImageId'), own] };
  }
  const [first, second] = r.architectures;
  const image: Intrinsic =
    second === undefined ? ref(AMI_PARAMETERS[first]) : { 'Fn::Select': [arm64Lookup(r.maxPodsLayout), [ref(AMI_PARAMETERS.x86_64), ref(AMI_PARAMETERS.arm64)]] };
  return { 'Fn::If': ['HasNodeImageId', ref('NodeImageId'), image] };
}

const PARAMETER_GROUPS = [
  {
    Label: { default: 'EKS Cluster' },
    Parameters: ['ClusterName', 'ClusterControlPlaneSecurityGroup', 'ApiServerEndpoint', 'CertificateAuthorityData', 'ServiceCidr', 'AuthenticationMode'],
  },
  {
    Label: { default: 'Worker Node Configuration' },
    Parameters: [
      'NodeGroupName',
      'NodeAutoScalingGroupMinSize',
      'NodeAutoScalingGroupDesiredCapacity',
      'NodeAutoScalingGroupMaxSize',
      'NodeInstanceType',
      'NodeImageIdSSMParam',
      'NodeImageId',
      'NodeVolumeSize',
      'KeyName',
    ],
  },
  { Label: { default: 'Worker Network Configuration' }, Parameters: ['VpcId', 'Subnets'] },
];

const PARTITION_MAP = {
  aws: { EC2ServicePrincipal: 'ec2.amazonaws.com' },
  'aws-us-gov': { EC2ServicePrincipal: 'ec2.amazonaws.com' },
  'aws-cn': { EC2ServicePrincipal: 'ec2.amazonaws.com.cn' },
  'aws-iso': { EC2ServicePrincipal: 'ec2.c2s.ic.gov' },
  'aws-iso-b': { EC2ServicePrincipal: 'ec2.sc2s.sgov.gov' },
  'aws-iso-e': { EC2ServicePrincipal: 'ec2.amazonaws.com' },
  'aws-iso-f': { EC2ServicePrincipal: 'ec2.amazonaws.com' },
};

type Props<P> = Cfn<P>;

function launchTemplateSpec(name: string): { LaunchTemplateId: Intrinsic; Version: Intrinsic } {
  return { LaunchTemplateId: ref(name), Version: getAtt(name, 'LatestVersionNumber') };
}

/** A mixed group's launch templates: one per (max pods, architecture), max pods written literally, no InstanceType (the overrides give it). */
function mixedLaunchTemplates(r: ResolvedNodeGroupOptions, base: Props<LaunchTemplateProperties>): Record<string, Resource<unknown>> {
  const { InstanceType: _perStack, ...data } = base.LaunchTemplateData;
  const out: Record<string, Resource<unknown>> = {};
  for (const lt of r.mixedInstances!.launchTemplates) {
    const text = userDataText(r.amiFamily, r.kubelet).split(`\${${MAX_PODS_VARIABLE}}`).join(String(lt.maxPods));
    out[lt.name] = {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: { LaunchTemplateData: { ...data, ImageId: imageId(r, lt.architecture), UserData: { 'Fn::Base64': { 'Fn::Sub': text } } } },
    };
  }
  return out;
}

/** The group's CapacityRebalance and MixedInstancesPolicy: every type (in the order given: On-Demand priority) with its launch template. */
function mixedInstancesPolicy(r: ResolvedNodeGroupOptions): Record<string, unknown> {
  const m = r.mixedInstances!;
  const byType = new Map(m.launchTemplates.flatMap((lt) => lt.types.map((t) => [t, lt.name] as const)));
  return {
    CapacityRebalance: m.capacityRebalance,
    MixedInstancesPolicy: {
      InstancesDistribution: {
        OnDemandBaseCapacity: m.onDemandBaseCapacity,
        OnDemandPercentageAboveBaseCapacity: m.onDemandPercentageAboveBaseCapacity,
        SpotAllocationStrategy: m.spotAllocationStrategy,
      },
      LaunchTemplate: {
        LaunchTemplateSpecification: launchTemplateSpec(m.launchTemplates[0].name),
        Overrides: r.instanceTypes.map((t) => ({
          InstanceType: t,
          LaunchTemplateSpecification: launchTemplateSpec(byType.get(t)!),
          ...(m.weights ? { WeightedCapacity: String(m.weights.get(t)) } : {}),
        })),
      },
    },
  };
}

function blockDevices(r: ResolvedNodeGroupOptions): Props<LaunchTemplateProperties>['LaunchTemplateData']['BlockDeviceMappings'] {
  const v = r.volume;
  const ebs = (size: Intrinsic | undefined) => ({
    DeleteOnTermination: true,
    ...(size ? { VolumeSize: size } : {}),
    VolumeType: v.type,
    ...(v.iops !== undefined ? { Iops: v.iops } : {}),
    ...(v.throughput !== undefined ? { Throughput: v.throughput } : {}),
    Encrypted: v.encrypted,
    ...(v.kmsKeyId !== undefined ? { KmsKeyId: v.kmsKeyId } : {}),
  });
  if (r.amiFamily === 'bottlerocket') {
    // Bottlerocket: /dev/xvda is the small OS volume (AMI size), /dev/xvdb holds containers and pods.
    // An HDD type (st1, sc1) cannot boot: the OS volume then stays gp3, the data volume takes it.
    return [
      { DeviceName: '/dev/xvda', Ebs: EBS_HDD_TYPES.includes(v.type) ? { ...ebs(undefined), VolumeType: 'gp3' } : ebs(undefined) },
      { DeviceName: '/dev/xvdb', Ebs: ebs(ref('NodeVolumeSize')) },
    ];
  }
  return [{ DeviceName: '/dev/xvda', Ebs: ebs(ref('NodeVolumeSize')) }];
}

/**
 * Builds the node-group template (long-form object; write it with `toYaml`). Throws
 * EksNodegroupError (exit code 2) naming the bad option, or the unknown instance type with the
 * closest known names (from resolveNodeGroupOptions).
 */
export function buildNodeGroupTemplate(options: NodeGroupOptions = {}): Template {
  return nodeGroupTemplate(resolveNodeGroupOptions(options));
}

/** The template for resolved options: assembly only, no checks. */
export function nodeGroupTemplate(r: ResolvedNodeGroupOptions): Template {
  checkTree(r, 'nodeGroupTemplate: the resolved options', { opaque: true });
  if (!isRecord(r) || typeof r.amiFamily !== 'string' || !Array.isArray(r.instanceTypes) || !(r.maxPodsTable instanceof Map)) {
    throw badArgument('nodeGroupTemplate', 'its argument', 'resolved options, as resolveNodeGroupOptions returns them (or call buildNodeGroupTemplate with options)', r);
  }
  const provenance = dataProvenance();
  const tags = r.tags;
  const launchTemplate: Props<LaunchTemplateProperties> = {
    LaunchTemplateData: {
      BlockDeviceMappings: blockDevices(r),
      IamInstanceProfile: { Arn: getAtt('NodeInstanceProfile', 'Arn') },
      ImageId: imageId(r),
      InstanceType: ref('NodeInstanceType'),
      KeyName: { 'Fn::If': ['HasKeyName', ref('KeyName'), ref('AWS::NoValue')] },
      SecurityGroupIds: [ref('NodeSecurityGroup')],
      UserData: { 'Fn::Base64': { 'Fn::Sub': [userDataText(r.amiFamily, r.kubelet), { [MAX_PODS_VARIABLE]: maxPodsLookup(r.maxPodsLayout) }] } },
      MetadataOptions: {
        HttpPutResponseHopLimit: r.imds.hopLimit,
        HttpEndpoint: 'enabled',
        HttpTokens: r.imds.httpTokens,
      },
    },
  };

  const role: Props<RoleProperties> = {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: [{ 'Fn::FindInMap': ['PartitionMap', ref('AWS::Partition'), 'EC2ServicePrincipal'] }] },
          Action: ['sts:AssumeRole'],
        },
      ],
    },
    ManagedPolicyArns: [
      sub('arn:${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy'),
      sub('arn:${AWS::Partition}:iam::aws:policy/AmazonEKS_CNI_Policy'),
      sub('arn:${AWS::Partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly'),
      sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore'),
    ],
    Path: '/',
  };
  const profile: Props<InstanceProfileProperties> = { Path: '/', Roles: [ref('NodeInstanceRole')] };
  const nodeSg: Props<SecurityGroupProperties> = {
    GroupDescription: 'Security group for all nodes in the cluster',
    Tags: [{ Key: sub('kubernetes.io/cluster/${ClusterName}'), Value: 'owned' }, ...tags.map(([Key, Value]) => ({ Key, Value }))],
    VpcId: ref('VpcId'),
  };
  const ingress = (p: Props<SecurityGroupIngressProperties>): Resource<Props<SecurityGroupIngressProperties>> => ({
    Type: 'AWS::EC2::SecurityGroupIngress',
    DependsOn: 'NodeSecurityGroup',
    Properties: p,
  });
  const egress = (p: Props<SecurityGroupEgressProperties>): Resource<Props<SecurityGroupEgressProperties>> => ({
    Type: 'AWS::EC2::SecurityGroupEgress',
    DependsOn: 'NodeSecurityGroup',
    Properties: p,
  });
  const asg: Props<AutoScalingGroupProperties> = {
    DesiredCapacity: ref('NodeAutoScalingGroupDesiredCapacity'),
    ...(r.mixedInstances ? mixedInstancesPolicy(r) : { LaunchTemplate: launchTemplateSpec('NodeLaunchTemplate') }),
    MaxSize: ref('NodeAutoScalingGroupMaxSize'),
    MinSize: ref('NodeAutoScalingGroupMinSize'),
    Tags: [
      { Key: 'Name', PropagateAtLaunch: true, Value: sub('${ClusterName}-${NodeGroupName}-Node') },
      { Key: sub('kubernetes.io/cluster/${ClusterName}'), PropagateAtLaunch: true, Value: 'owned' },
      ...tags.map(([Key, Value]) => ({ Key, PropagateAtLaunch: true, Value })),
    ],
    VPCZoneIdentifier: ref('Subnets'),
  };

  const resources: Record<string, Resource<unknown>> = {
    NodeInstanceRole: { Type: 'AWS::IAM::Role', Properties: role },
    NodeInstanceProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: profile },
    NodeSecurityGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: nodeSg },
    NodeSecurityGroupIngress: ingress({
      Description: 'Allow node to communicate with each other',
      FromPort: 0,
      GroupId: ref('NodeSecurityGroup'),
      IpProtocol: '-1',
      SourceSecurityGroupId: ref('NodeSecurityGroup'),
      ToPort: 65535,
    }),
    ClusterControlPlaneSecurityGroupIngress: ingress({
      Description: 'Allow pods to communicate with the cluster API Server',
      FromPort: 443,
      GroupId: ref('ClusterControlPlaneSecurityGroup'),
      IpProtocol: 'tcp',
      SourceSecurityGroupId: ref('NodeSecurityGroup'),
      ToPort: 443,
    }),
    ControlPlaneEgressToNodeSecurityGroup: egress({
      Description: 'Allow the cluster control plane to communicate with worker Kubelet and pods',
      DestinationSecurityGroupId: ref('NodeSecurityGroup'),
      FromPort: 1025,
      GroupId: ref('ClusterControlPlaneSecurityGroup'),
      IpProtocol: 'tcp',
      ToPort: 65535,
    }),
    ControlPlaneEgressToNodeSecurityGroupOn443: egress({
      Description: 'Allow the cluster control plane to communicate with pods running extension API servers on port 443',
      DestinationSecurityGroupId: ref('NodeSecurityGroup'),
      FromPort: 443,
      GroupId: ref('ClusterControlPlaneSecurityGroup'),
      IpProtocol: 'tcp',
      ToPort: 443,
    }),
    NodeSecurityGroupFromControlPlaneIngress: ingress({
      Description: 'Allow worker Kubelets and pods to receive communication from the cluster control plane',
      FromPort: 1025,
      GroupId: ref('NodeSecurityGroup'),
      IpProtocol: 'tcp',
      SourceSecurityGroupId: ref('ClusterControlPlaneSecurityGroup'),
      ToPort: 65535,
    }),
    NodeSecurityGroupFromControlPlaneOn443Ingress: ingress({
      Description: 'Allow pods running extension API servers on port 443 to receive communication from cluster control plane',
      FromPort: 443,
      GroupId: ref('NodeSecurityGroup'),
      IpProtocol: 'tcp',
      SourceSecurityGroupId: ref('ClusterControlPlaneSecurityGroup'),
      ToPort: 443,
    }),
  };
  if (r.sshCidr !== undefined) {
    resources.NodeSecurityGroupSshIngress = ingress({
      Description: `Allow SSH to the nodes from ${r.sshCidr}`,
      FromPort: 22,
      GroupId: ref('NodeSecurityGroup'),
      IpProtocol: 'tcp',
      CidrIp: r.sshCidr,
      ToPort: 22,
    });
  }
  if (r.mixedInstances) Object.assign(resources, mixedLaunchTemplates(r, launchTemplate));
  else resources.NodeLaunchTemplate = { Type: 'AWS::EC2::LaunchTemplate', Properties: launchTemplate };
  resources.NodeAccessEntry = {
    Type: 'AWS::EKS::AccessEntry',
    Condition: 'CreateAccessEntry',
    Properties: { ClusterName: ref('ClusterName'), PrincipalArn: getAtt('NodeInstanceRole', 'Arn'), Type: 'EC2_LINUX' },
  };
  resources.NodeGroup = {
    Type: 'AWS::AutoScaling::AutoScalingGroup',
    Properties: asg,
    UpdatePolicy: {
      AutoScalingRollingUpdate: { MaxBatchSize: 1, MinInstancesInService: ref('NodeAutoScalingGroupDesiredCapacity'), PauseTime: 'PT5M' },
    },
  };

  const mpMeta = Object.fromEntries(Object.entries(r.maxPods).sort(([a], [b]) => (a < b ? -1 : 1)));
  const template: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    ...(r.maxPodsLayout === 'by-size' && !r.mixedInstances ? { Transform: LANGUAGE_EXTENSIONS } : {}),
    Description: r.description,
    Metadata: {
      'AWS::CloudFormation::Interface': { ParameterGroups: parameterGroups(r) },
      EksNodegroup: {
        AmiFamily: r.amiFamily,
        MaxPodsLayout: r.mixedInstances ? 'launch template per max pods (mixed instances)' : r.maxPodsLayout,
        MaxPodsOptions: mpMeta,
        InstanceTypes: r.maxPodsTable.size,
        InstanceData: { Date: provenance.date, Count: provenance.count, Sha256: provenance.sha256 },
        ...(r.mixedInstances ? {} : { UnknownInstanceType: 'not in the table: the stack operation fails before any change (no guessed max pods)' }),
        // validate reads it: the types with no memory for pods were accepted (a warning, not an error).
        ...(r.acceptNoAllocatableMemory ? { AcceptNoAllocatableMemory: true } : {}),
      },
    },
    Parameters: templateParameters(r),
    Mappings: { PartitionMap: PARTITION_MAP, ...r.mappings },
    Conditions: {
      ...(parameterNames(r.amiFamily, r.architectures, r.mixedInstances !== undefined).includes('NodeImageId') ? { HasNodeImageId: { 'Fn::Not': [{ 'Fn::Equals': [ref('NodeImageId'), ''] }] } } : {}),
      HasKeyName: { 'Fn::Not': [{ 'Fn::Equals': [ref('KeyName'), ''] }] },
      // AWS's template creates the entry only for "EKS API", although its own parameter text (and
      // EKS) call for one in "EKS API and ConfigMap" mode too; without it such nodes cannot join.
      CreateAccessEntry: {
        'Fn::Or': [{ 'Fn::Equals': [ref('AuthenticationMode'), 'EKS API'] }, { 'Fn::Equals': [ref('AuthenticationMode'), 'EKS API and ConfigMap'] }],
      },
    },
    Resources: resources,
    Outputs: {
      NodeInstanceRole: { Description: 'The node instance role', Value: getAtt('NodeInstanceRole', 'Arn') },
      NodeSecurityGroup: { Description: 'The security group for the node group', Value: ref('NodeSecurityGroup') },
      NodeAutoScalingGroup: { Description: 'The autoscaling group', Value: ref('NodeGroup') },
    },
  };
  return template;
}

/** The per-type max pods `template` holds (see templateMaxPods); undefined when it holds none. */
export function maxPodsTableFromTemplate(template: unknown): Map<string, number> | undefined {
  checkTree(template, 'maxPodsTableFromTemplate: template');
  return templateMaxPods(template);
}

/** Capabilities a deployment of `template` needs (IAM role; the transform expands macros). */
export function requiredCapabilities(template: { Transform?: unknown }): string[] {
  checkTree(template, 'requiredCapabilities: template');
  if (!isRecord(template)) throw badArgument('requiredCapabilities', 'template', 'a template object', template);
  return template.Transform ? ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'] : ['CAPABILITY_IAM'];
}

