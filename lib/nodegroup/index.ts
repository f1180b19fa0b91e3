/**
 * The node-group template builder: AWS's current AL2023 self-managed node-group template (same
 * parameter names and logical IDs, so an existing stack can switch with an ordinary update) plus
 * what computed max pods needs: a mapping with every offered type's max pods (from `maxPods()`),
 * the lookup for the deploy-time `NodeInstanceType`, and the user data that hands it to kubelet.
 * Secure defaults beyond AWS's: IMDSv2 required, encrypted volume, no SSH ingress.
 *
 * Resource shapes are cloudform-types' (imported as types only, see ./cfn).
 */
import type { LaunchTemplateProperties } from 'cloudform-types/types/ec2/launchTemplate';
import type { AutoScalingGroupProperties } from 'cloudform-types/types/autoScaling/autoScalingGroup';
import type { RoleProperties } from 'cloudform-types/types/iam/role';
import type { InstanceProfileProperties } from 'cloudform-types/types/iam/instanceProfile';
import type { SecurityGroupProperties } from 'cloudform-types/types/ec2/securityGroup';
import type { SecurityGroupIngressProperties } from 'cloudform-types/types/ec2/securityGroupIngress';
import type { SecurityGroupEgressProperties } from 'cloudform-types/types/ec2/securityGroupEgress';
import { badOption, EksNodegroupError } from '../core';
import { dataProvenance, getInstanceType } from '../instance-types';
import { maxPods, type MaxPodsOptions } from '../max-pods';
import { escapeSub, getAtt, ref, sub, type Cfn, type Intrinsic, type Parameter, type Resource, type Template } from './cfn';
import { checkNodeGroupOptions } from './check-options';
import { selectInstanceTypes } from './instance-selection';
import { BY_SIZE_MAPPING, bySizeMapping, maxPodsLookup, PER_TYPE_MAPPING, perTypeMapping } from './layout';
import type { AmiFamily, NodeGroupOptions } from './options';
import { MAX_PODS_VARIABLE, userDataText } from './user-data';

export type {
  AmiFamily,
  ImdsOptions,
  KubeletValue,
  MaxPodsLayout,
  NodeGroupOptions,
  ScalingOptions,
  SshOptions,
  VolumeOptions,
  VolumeType,
} from './options';
export type { Template as NodeGroupTemplate, Intrinsic } from './cfn';
export { maxPodsTableFromTemplate, BY_SIZE_MAPPING, PER_TYPE_MAPPING, familyKey } from './layout';
export { selectInstanceTypes } from './instance-selection';
export { checkNodeGroupOptions } from './check-options';
export { maxPodsKey, MAX_PODS_VARIABLE } from './user-data';

const DEFAULT_KUBERNETES_VERSION = '1.33';
const AWS_DEFAULT_INSTANCE_TYPE = 't3.medium';
const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';
/**
 * Up to this many offered types, NodeInstanceType gets AllowedValues (a console drop-down, and a
 * type outside the table is refused by name before anything else). Longer lists cost bytes
 * (~15 per type, past the 51,200-byte inline limit) and slow AWS's validator to a crawl.
 */
export const ALLOWED_VALUES_LIMIT = 200;

const FAMILY_LABEL: Record<AmiFamily, string> = { al2023: 'AL2023 (nodeadm)', bottlerocket: 'Bottlerocket', al2: 'AL2 (bootstrap.sh)' };

/** The AMI SSM parameter path AWS publishes for a family, Kubernetes version and architecture. */
export function amiSsmParameter(family: AmiFamily, kubernetesVersion = DEFAULT_KUBERNETES_VERSION, architecture: 'x86_64' | 'arm64' = 'x86_64'): string {
  switch (family) {
    case 'al2023':
      return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/recommended/image_id`;
    case 'bottlerocket':
      return `/aws/service/bottlerocket/aws-k8s-${kubernetesVersion}/${architecture}/latest/image_id`;
    case 'al2':
      return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2${architecture === 'arm64' ? '-arm64' : ''}/recommended/image_id`;
  }
}

/** AWS publishes EKS AL2 AMIs up to Kubernetes 1.32 (AL2 reached end of support in November 2025). */
const LAST_AL2_KUBERNETES_MINOR = 32;

/** A Kubernetes version with an AMI: 1.N; for AL2 at most 1.32 (the SSM parameter would not exist). */
function checkKubernetesVersion(family: AmiFamily, version: string): void {
  const m = /^1\.(\d+)$/.exec(version);
  if (!m) throw badOption('kubernetesVersion', version, 'a Kubernetes minor version such as 1.33');
  if (family === 'al2' && Number(m[1]) > LAST_AL2_KUBERNETES_MINOR) {
    throw badOption('kubernetesVersion', version, `1.${LAST_AL2_KUBERNETES_MINOR} or earlier with amiFamily al2 (AWS publishes no AL2 EKS AMI after it; use al2023 or bottlerocket)`);
  }
}

/** The smallest type (fewest vCPUs, then least memory, then name; unknown sizes last). */
function smallest(types: readonly string[]): string | undefined {
  const key = (t: string) => {
    const f = getInstanceType(t);
    return [f.vcpus ?? Infinity, f.memoryMiB ?? Infinity] as const;
  };
  return [...types].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || (a < b ? -1 : a > b ? 1 : 0);
  })[0];
}

/**
 * The AMI architecture: the one asked for, else the one every offered type shares, else x86_64
 * (a mixed set offers both; the deployer picks NodeImageIdSSMParam to match NodeInstanceType).
 * Asking for an architecture none of the offered types has is an error: no node could launch.
 */
function amiArchitecture(offered: readonly string[], asked: 'x86_64' | 'arm64' | undefined): 'x86_64' | 'arm64' {
  const archs = new Set(offered.map((t) => getInstanceType(t).architecture).filter((a): a is string => a !== undefined));
  if (asked !== undefined) {
    if (archs.size > 0 && !archs.has(asked)) {
      throw badOption('architecture', asked, `${[...archs].sort().join(' or ')}: the offered instance types are ${[...archs].sort().join('/')} only, so an ${asked} AMI could not boot on any of them`);
    }
    return asked;
  }
  return archs.size === 1 && archs.has('arm64') ? 'arm64' : 'x86_64';
}

/** Max pods of every offered type, from the MaxPods engine; all failures reported at once. */
function computeTable(types: readonly string[], options: MaxPodsOptions): Map<string, number> {
  const table = new Map<string, number>();
  const failures: string[] = [];
  for (const t of types) {
    try {
      table.set(t, maxPods(t, options));
    } catch (e) {
      if (!(e instanceof EksNodegroupError)) throw e;
      if (e.code !== 'MISSING_FACT') throw e; // bad options: one message is enough
      failures.push(t);
    }
  }
  if (failures.length) {
    throw new EksNodegroupError(
      'MISSING_FACT',
      `max pods cannot be computed for ${failures.length} type(s) with these options: ${failures.join(', ')} — ` +
        `${getMissingFactReason(failures[0], options)}; leave them out (excludeInstanceTypes, or --exclude ${failures.join(',')}) or refresh the data`,
    );
  }
  table.forEach((v, t) => {
    if (v < 1) {
      throw new EksNodegroupError('BAD_OPTION', `${t}: these max-pods options leave ${v} pods (no ENI carries pods); use fewer reserved ENIs or leave ${t} out`);
    }
  });
  return table;
}

function getMissingFactReason(type: string, options: MaxPodsOptions): string {
  try {
    maxPods(type, options);
    return 'a fact is missing';
  } catch (e) {
    return (e as Error).message.replace(/^[^:]*: /, '');
  }
}

function parameters(o: NodeGroupOptions, family: AmiFamily, offered: readonly string[], allTypes: boolean, defaultType: string): Record<string, Parameter> {
  const bottlerocket = family === 'bottlerocket';
  const listed = !allTypes && offered.length <= ALLOWED_VALUES_LIMIT;
  const scaling = o.scaling ?? {};
  const p: Record<string, Parameter> = {
    AuthenticationMode: {
      Type: 'String',
      Description:
        'The Authentication Mode set on your EKS Cluster. If you select EKS API or EKS API and ConfigMap, an Access Entry for the EC2 IAM role will be automatically created.',
      Default: 'EKS API',
      AllowedValues: ['EKS API', 'EKS API and ConfigMap', 'ConfigMap'],
    },
    ClusterControlPlaneSecurityGroup: { Type: 'AWS::EC2::SecurityGroup::Id', Description: 'The security group of the cluster control plane.' },
    ClusterName: {
      Type: 'String',
      Description: 'The cluster name provided when the cluster was created. If it is incorrect, nodes will not be able to join the cluster.',
    },
    NodeInstanceType: {
      Type: 'String',
      Default: defaultType,
      Description: listed
        ? `EC2 instance type for the node instances (one of the ${offered.length} types this template holds max pods for).`
        : `EC2 instance type for the node instances. Max pods comes from the ${offered.length}-type table in this template; a type missing from it stops the deployment (regenerate the template to add it).`,
      ...(listed ? { AllowedValues: [...offered].sort() } : {}),
    },
    NodeAutoScalingGroupDesiredCapacity: { Type: 'Number', Default: scaling.desired ?? 3, Description: 'Desired capacity of Node Group ASG.' },
    NodeAutoScalingGroupMaxSize: {
      Type: 'Number',
      Default: scaling.max ?? 4,
      Description: 'Maximum size of Node Group ASG. Set to at least 1 greater than NodeAutoScalingGroupDesiredCapacity.',
    },
    NodeAutoScalingGroupMinSize: { Type: 'Number', Default: scaling.min ?? 1, Description: 'Minimum size of Node Group ASG.' },
    NodeGroupName: { Type: 'String', Description: 'Unique identifier for the Node Group.' },
    NodeImageId: {
      Type: 'String',
      Default: '',
      Description: '(Optional) Specify your own custom image ID. This value overrides any AWS Systems Manager Parameter Store value specified above.',
    },
    NodeImageIdSSMParam: {
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: amiSsmParameter(family, o.kubernetesVersion ?? (family === 'al2' ? '1.32' : DEFAULT_KUBERNETES_VERSION), o.architecture ?? 'x86_64'),
      Description:
        'AWS Systems Manager Parameter Store parameter of the AMI ID for the worker node instances. Change this value to match the version of Kubernetes you are using.',
    },
    NodeVolumeSize: {
      Type: 'Number',
      Default: o.volume?.size ?? 20,
      Description: bottlerocket ? 'Node volume size (Bottlerocket data volume /dev/xvdb, GiB)' : 'Node volume size',
    },
    Subnets: { Type: 'List<AWS::EC2::Subnet::Id>', Description: 'The subnets where workers can be created.' },
    VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'The VPC of the worker instances' },
    CertificateAuthorityData: { Description: 'Cluster certificate authority data', Type: 'String' },
    ApiServerEndpoint: { Description: 'API Server Endpoint from DescribeCluster Response', Type: 'String' },
    ServiceCidr: {
      Description: bottlerocket
        ? 'The CIDR range used for allocating IP addresses to Kubernetes services within the cluster (kept for compatibility; Bottlerocket finds the cluster DNS address itself).'
        : 'The CIDR range used for allocating IP addresses to Kubernetes services within the cluster.',
      Type: 'String',
    },
    KeyName: { Description: '(Optional) The EC2 Key Pair to allow SSH access to the instances', Type: 'String', Default: o.ssh?.keyName ?? '' },
  };
  for (const [name, value] of Object.entries(o.parameterDefaults ?? {})) {
    const param = p[name];
    if (!param) throw badOption(`parameterDefaults "${name}"`, value, `defaults for the template's parameters: ${Object.keys(p).sort().join(', ')}`);
    if (param.Type === 'Number' && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      throw badOption(`parameterDefaults.${name}`, value, 'a whole number ≥ 0');
    }
    if (param.Type !== 'Number' && typeof value !== 'string') throw badOption(`parameterDefaults.${name}`, value, 'a string');
    if (param.AllowedValues && !param.AllowedValues.includes(value)) {
      throw badOption(`parameterDefaults.${name}`, value, param.AllowedValues.join(', '));
    }
    param.Default = value;
  }
  const min = Number(p.NodeAutoScalingGroupMinSize.Default);
  const desired = Number(p.NodeAutoScalingGroupDesiredCapacity.Default);
  const max = Number(p.NodeAutoScalingGroupMaxSize.Default);
  if (!(min <= desired && desired <= max)) {
    throw badOption('scaling', { min, desired, max }, 'min ≤ desired ≤ max');
  }
  if (!(desired < max)) {
    // The rolling update keeps `desired` nodes in service (MinInstancesInService) and must be able
    // to start one more; with desired = max every later update of the launch template fails.
    throw badOption(
      'scaling',
      { min, desired, max },
      'a max size at least 1 greater than the desired capacity, so rolling updates can start a new node (e.g. --max-size ' + (desired + 1) + ')',
    );
  }
  if (!offered.includes(String(p.NodeInstanceType.Default))) {
    throw badOption('the NodeInstanceType default', p.NodeInstanceType.Default, `one of the offered types, e.g. ${offered.slice(0, 5).join(', ')}`);
  }
  return p;
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

function blockDevices(o: NodeGroupOptions, family: AmiFamily): Props<LaunchTemplateProperties>['LaunchTemplateData']['BlockDeviceMappings'] {
  const v = o.volume ?? {};
  const encrypted = v.encrypted ?? true;
  if (v.kmsKeyId !== undefined && !encrypted) throw badOption('volume.kmsKeyId', v.kmsKeyId, 'nothing when volume.encrypted is false');
  const type = v.type ?? 'gp3';
  if ((type === 'io1' || type === 'io2') && v.iops === undefined) {
    throw new EksNodegroupError('BAD_OPTION', `volume type ${type} needs volume.iops, the provisioned IOPS (on the command line: --volume-iops N, e.g. 3000)`);
  }
  if (v.iops !== undefined && !['gp3', 'io1', 'io2'].includes(type)) throw badOption('volume.iops', v.iops, 'nothing with volume type ' + type + ' (only gp3, io1, io2)');
  if (v.throughput !== undefined && type !== 'gp3') throw badOption('volume.throughput', v.throughput, 'nothing with volume type ' + type + ' (only gp3)');
  const ebs = (size: Intrinsic | undefined) => ({
    DeleteOnTermination: true,
    ...(size ? { VolumeSize: size } : {}),
    VolumeType: type,
    ...(v.iops !== undefined ? { Iops: v.iops } : {}),
    ...(v.throughput !== undefined ? { Throughput: v.throughput } : {}),
    Encrypted: encrypted,
    ...(v.kmsKeyId !== undefined ? { KmsKeyId: v.kmsKeyId } : {}),
  });
  if (family === 'bottlerocket') {
    // Bottlerocket: /dev/xvda is the small OS volume (AMI size), /dev/xvdb holds containers and pods.
    return [
      { DeviceName: '/dev/xvda', Ebs: ebs(undefined) },
      { DeviceName: '/dev/xvdb', Ebs: ebs(ref('NodeVolumeSize')) },
    ];
  }
  return [{ DeviceName: '/dev/xvda', Ebs: ebs(ref('NodeVolumeSize')) }];
}

function checkTags(tags: Record<string, string> | undefined): [string, string][] {
  const entries = Object.entries(tags ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, v] of entries) {
    if (k === 'Name' || k.startsWith('kubernetes.io/cluster/') || k.toLowerCase().startsWith('aws:')) {
      throw badOption(`tag "${k}"`, v, 'any key except Name, kubernetes.io/cluster/… (the template sets them) and aws:… (reserved)');
    }
    if (typeof v !== 'string' || k.length > 127 || v.length > 255) throw badOption(`tag "${k}"`, v, 'a key ≤ 127 and a string value ≤ 255 characters');
  }
  return entries;
}

function checkCidr(cidr: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) {
    throw badOption('ssh.cidr', cidr, 'an IPv4 CIDR such as 10.0.0.0/16');
  }
  return cidr;
}

/**
 * Builds the node-group template (long-form object; write it with `toYaml`). Throws
 * EksNodegroupError (exit code 2) naming the bad option, or the unknown instance type with the
 * closest known names.
 */
export function buildNodeGroupTemplate(options: NodeGroupOptions = {}): Template {
  const o = checkNodeGroupOptions(options);
  const family: AmiFamily = o.amiFamily ?? 'al2023';
  const layout = o.maxPodsLayout ?? 'by-size';
  const offered = selectInstanceTypes(o.instanceTypes, o.excludeInstanceTypes);
  const allTypes = o.instanceTypes === undefined && (o.excludeInstanceTypes ?? []).length === 0;
  const architecture = amiArchitecture(offered, o.architecture);
  if (o.kubernetesVersion !== undefined) checkKubernetesVersion(family, o.kubernetesVersion);
  const defaultType =
    o.defaultInstanceType !== undefined
      ? getInstanceType(o.defaultInstanceType).name
      : offered.includes(AWS_DEFAULT_INSTANCE_TYPE)
        ? AWS_DEFAULT_INSTANCE_TYPE
        : smallest(offered.filter((t) => (getInstanceType(t).architecture ?? architecture) === architecture)) ?? smallest(offered)!;
  if (!offered.includes(defaultType)) {
    throw badOption('defaultInstanceType', defaultType, `one of the offered types (${offered.length}), e.g. ${offered.slice(0, 5).join(', ')}`);
  }
  const mpOptions: MaxPodsOptions = o.maxPods ?? {};
  const table = computeTable(offered, mpOptions);
  const mapping: Template['Mappings'] =
    layout === 'per-type' ? { [PER_TYPE_MAPPING]: perTypeMapping(table) } : { [BY_SIZE_MAPPING]: bySizeMapping(table) };
  const params = parameters({ ...o, architecture }, family, offered, allTypes, defaultType);

  const imds = o.imds ?? {};
  const tags = checkTags(o.tags);
  const provenance = dataProvenance();

  const launchTemplate: Props<LaunchTemplateProperties> = {
    LaunchTemplateData: {
      BlockDeviceMappings: blockDevices(o, family),
      IamInstanceProfile: { Arn: getAtt('NodeInstanceProfile', 'Arn') },
      ImageId: { 'Fn::If': ['HasNodeImageId', ref('NodeImageId'), ref('NodeImageIdSSMParam')] },
      InstanceType: ref('NodeInstanceType'),
      KeyName: { 'Fn::If': ['HasKeyName', ref('KeyName'), ref('AWS::NoValue')] },
      SecurityGroupIds: [ref('NodeSecurityGroup')],
      UserData: { 'Fn::Base64': { 'Fn::Sub': [userDataText(family, o.kubelet ?? {}), { [MAX_PODS_VARIABLE]: maxPodsLookup(layout) }] } },
      MetadataOptions: {
        HttpPutResponseHopLimit: imds.hopLimit ?? 1,
        HttpEndpoint: 'enabled',
        HttpTokens: imds.httpTokens ?? 'required',
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
    LaunchTemplate: { LaunchTemplateId: ref('NodeLaunchTemplate'), Version: getAtt('NodeLaunchTemplate', 'LatestVersionNumber') },
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
  if (o.ssh?.cidr !== undefined) {
    resources.NodeSecurityGroupSshIngress = ingress({
      Description: `Allow SSH to the nodes from ${checkCidr(o.ssh.cidr)}`,
      FromPort: 22,
      GroupId: ref('NodeSecurityGroup'),
      IpProtocol: 'tcp',
      CidrIp: o.ssh.cidr,
      ToPort: 22,
    });
  }
  resources.NodeLaunchTemplate = { Type: 'AWS::EC2::LaunchTemplate', Properties: launchTemplate };
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

  const description =
    o.description ??
    `Amazon EKS - Node Group (${FAMILY_LABEL[family]}; max pods computed for ${table.size} instance types by eks-nodegroup)`;

  const mpMeta = Object.fromEntries(Object.entries(mpOptions).sort(([a], [b]) => (a < b ? -1 : 1)));
  const template: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    ...(layout === 'by-size' ? { Transform: LANGUAGE_EXTENSIONS } : {}),
    Description: escapeDescription(description),
    Metadata: {
      'AWS::CloudFormation::Interface': { ParameterGroups: PARAMETER_GROUPS },
      EksNodegroup: {
        AmiFamily: family,
        MaxPodsLayout: layout,
        MaxPodsOptions: mpMeta,
        InstanceTypes: table.size,
        InstanceData: { Date: provenance.date, Count: provenance.count, Sha256: provenance.sha256 },
        UnknownInstanceType: 'not in the table: the stack operation fails before any change (no guessed max pods)',
      },
    },
    Parameters: params,
    Mappings: { PartitionMap: PARTITION_MAP, ...mapping },
    Conditions: {
      HasNodeImageId: { 'Fn::Not': [{ 'Fn::Equals': [ref('NodeImageId'), ''] }] },
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

function escapeDescription(d: string): string {
  if (typeof d !== 'string' || d.length === 0 || Buffer.byteLength(d) > 1024) {
    throw badOption('description', d, 'non-empty text of at most 1024 bytes (CloudFormation limit)');
  }
  return d;
}

/** Capabilities a deployment of `template` needs (IAM role; the transform expands macros). */
export function requiredCapabilities(template: { Transform?: unknown }): string[] {
  return template.Transform ? ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'] : ['CAPABILITY_IAM'];
}

// Kept for readers of user data: the sub-escaping helper (`${` → `${!`).
export { escapeSub };
