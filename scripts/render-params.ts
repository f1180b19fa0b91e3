/** Parameter values for rendering templates/nodegroup.yaml in the scripts (bench, code-cache warm-up). */
export const RENDER_PARAMS: readonly string[] = [
  'ClusterName=demo',
  'NodeGroupName=ng',
  'ClusterControlPlaneSecurityGroup=sg-0123',
  'VpcId=vpc-0123',
  'Subnets=subnet-a,subnet-b',
  'ApiServerEndpoint=https://EXAMPLE.eks.amazonaws.com',
  'CertificateAuthorityData=Q0E=',
  'ServiceCidr=10.100.0.0/16',
  'NodeInstanceType=m5.large',
];
