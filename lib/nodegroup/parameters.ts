/**
 * The template's parameters: AWS's current AL2023 node-group template's names, types and texts
 * (so an existing stack can switch with an ordinary update). Their defaults come from the
 * resolved options (resolve.ts); this module only describes them.
 */
import type { Parameter } from './cfn';
import type { AmiFamily, ResolvedNodeGroupOptions } from './options';

/** AWS's authentication modes, as its template lists them. */
export const AUTHENTICATION_MODES: readonly string[] = ['EKS API', 'EKS API and ConfigMap', 'ConfigMap'];

/** Up to this many offered types, NodeInstanceType gets AllowedValues (longer lists cost ~15 bytes a type and slow AWS's validator). */
export const ALLOWED_VALUES_LIMIT = 200;

/** The AMI SSM parameter of each architecture: AWS's name for x86_64, ours beside it for arm64. */
export const AMI_PARAMETERS = Object.freeze({ x86_64: 'NodeImageIdSSMParam', arm64: 'NodeImageIdSSMParamArm64' });

/** Every parameter's Type, in AWS's order. */
export const PARAMETER_TYPES: Readonly<Record<string, string>> = Object.freeze({
  AuthenticationMode: 'String',
  ClusterControlPlaneSecurityGroup: 'AWS::EC2::SecurityGroup::Id',
  ClusterName: 'String',
  NodeInstanceType: 'String',
  NodeAutoScalingGroupDesiredCapacity: 'Number',
  NodeAutoScalingGroupMaxSize: 'Number',
  NodeAutoScalingGroupMinSize: 'Number',
  NodeGroupName: 'String',
  NodeImageId: 'String',
  NodeImageIdSSMParam: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
  NodeImageIdSSMParamArm64: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
  NodeVolumeSize: 'Number',
  Subnets: 'List<AWS::EC2::Subnet::Id>',
  VpcId: 'AWS::EC2::VPC::Id',
  CertificateAuthorityData: 'String',
  ApiServerEndpoint: 'String',
  ServiceCidr: 'String',
  KeyName: 'String',
});

/**
 * The parameters a template has: all of PARAMETER_TYPES but the AMI parameter of an architecture
 * not offered, and ServiceCidr for Bottlerocket (it finds the cluster DNS address itself). A
 * mixed-instances template has no NodeInstanceType (its types are fixed), and with both
 * architectures no NodeImageId (one custom AMI cannot serve both).
 */
export function parameterNames(family: AmiFamily, architectures: readonly ('x86_64' | 'arm64')[], mixed = false): string[] {
  const absent = new Set<string>((['x86_64', 'arm64'] as const).filter((a) => !architectures.includes(a)).map((a) => AMI_PARAMETERS[a]));
  if (family === 'bottlerocket') absent.add('ServiceCidr');
  if (mixed) absent.add('NodeInstanceType');
  if (mixed && architectures.length > 1) absent.add('NodeImageId');
  return Object.keys(PARAMETER_TYPES).filter((n) => !absent.has(n));
}

/** AllowedValues a parameter always has (NodeInstanceType's depend on the offered types). */
export const PARAMETER_ALLOWED_VALUES: Readonly<Record<string, readonly string[]>> = Object.freeze({ AuthenticationMode: AUTHENTICATION_MODES });

function descriptions(family: AmiFamily, offered: number, listed: boolean, both: boolean, largestWeight?: number): Record<string, string> {
  const bottlerocket = family === 'bottlerocket';
  // With instance weights, EC2 Auto Scaling counts the sizes in the weights' units.
  const units = largestWeight === undefined ? '' : ', in capacity units (each instance counts its WeightedCapacity)';
  return {
    AuthenticationMode:
      'The Authentication Mode set on your EKS Cluster. If you select EKS API or EKS API and ConfigMap, an Access Entry for the EC2 IAM role will be automatically created.',
    ClusterControlPlaneSecurityGroup: 'The security group of the cluster control plane.',
    ClusterName: 'The cluster name provided when the cluster was created. If it is incorrect, nodes will not be able to join the cluster.',
    NodeInstanceType: listed
      ? `EC2 instance type for the node instances (${offered === 1 ? 'the one type' : `one of the ${offered} types`} this template holds max pods for).`
      : `EC2 instance type for the node instances. Max pods comes from the ${offered}-type table in this template; a type missing from it stops the deployment (regenerate the template to add it).`,
    NodeAutoScalingGroupDesiredCapacity: `Desired capacity of Node Group ASG${units}.`,
    NodeAutoScalingGroupMaxSize:
      largestWeight === undefined
        ? 'Maximum size of Node Group ASG. Set to at least 1 greater than NodeAutoScalingGroupDesiredCapacity.'
        : `Maximum size of Node Group ASG${units}. Set to at least NodeAutoScalingGroupDesiredCapacity + ${largestWeight} (the largest weight).`,
    NodeAutoScalingGroupMinSize: `Minimum size of Node Group ASG${units}.`,
    NodeGroupName: 'Unique identifier for the Node Group.',
    NodeImageId: '(Optional) Specify your own custom image ID. This value overrides any AWS Systems Manager Parameter Store value specified above.',
    NodeImageIdSSMParam: both
      ? 'AWS Systems Manager Parameter Store parameter of the AMI ID for the x86_64 worker node instances. Change this value to match the version of Kubernetes you are using.'
      : 'AWS Systems Manager Parameter Store parameter of the AMI ID for the worker node instances. Change this value to match the version of Kubernetes you are using.',
    NodeImageIdSSMParamArm64: 'AWS Systems Manager Parameter Store parameter of the AMI ID for the arm64 (Graviton) worker node instances. Change this value to match the version of Kubernetes you are using.',
    NodeVolumeSize: bottlerocket ? 'Node volume size (Bottlerocket data volume /dev/xvdb, GiB)' : 'Node volume size',
    Subnets: 'The subnets where workers can be created.',
    VpcId: 'The VPC of the worker instances',
    CertificateAuthorityData: 'Cluster certificate authority data',
    ApiServerEndpoint: 'API Server Endpoint from DescribeCluster Response',
    ServiceCidr: 'The CIDR range used for allocating IP addresses to Kubernetes services within the cluster.',
    KeyName: '(Optional) The EC2 Key Pair to allow SSH access to the instances',
  };
}

/** AWS's order of keys: these four have Description before Type, AuthenticationMode has it before Default. */
const DESCRIPTION_FIRST = new Set(['CertificateAuthorityData', 'ApiServerEndpoint', 'ServiceCidr', 'KeyName']);

/** The Parameters section for resolved options. */
export function templateParameters(r: ResolvedNodeGroupOptions): Record<string, Parameter> {
  const listed = !r.everyKnownType && r.instanceTypes.length <= ALLOWED_VALUES_LIMIT;
  const weights = r.mixedInstances?.weights;
  const text = descriptions(r.amiFamily, r.instanceTypes.length, listed, r.architectures.length > 1, weights && Math.max(...weights.values()));
  const out: Record<string, Parameter> = {};
  for (const name of parameterNames(r.amiFamily, r.architectures, r.mixedInstances !== undefined)) {
    const Type = PARAMETER_TYPES[name];
    const Description = text[name];
    const Default = r.parameterDefaults[name];
    const withDefault = Default === undefined ? {} : { Default };
    const allowed = name === 'NodeInstanceType' ? (listed ? [...r.instanceTypes].sort() : undefined) : PARAMETER_ALLOWED_VALUES[name];
    const withAllowed = allowed ? { AllowedValues: [...allowed] } : {};
    // The sizes EBS takes for the volume type and its IOPS: CloudFormation refuses others before launching.
    const withRange = name === 'NodeVolumeSize' ? { MinValue: r.volume.sizeRange[0], MaxValue: r.volume.sizeRange[1] } : {};
    if (DESCRIPTION_FIRST.has(name)) out[name] = { Description, Type, ...withDefault, ...withAllowed };
    else if (name === 'AuthenticationMode') out[name] = { Type, Description, ...withDefault, ...withAllowed };
    else out[name] = { Type, ...withDefault, Description, ...withAllowed, ...withRange };
  }
  return out;
}
