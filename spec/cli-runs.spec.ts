/**
 * The runs the build used to make (and that a user makes first), as tests: each command on the
 * committed templates with the exit code it must end with. On failure the message is the
 * command's own output, so a planted mistake in a template shows its findings here.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { runCli, tempDir } from './helpers';

const RENDER_PARAMS = ['ClusterName=demo', 'NodeGroupName=ng', 'ClusterControlPlaneSecurityGroup=sg-0123', 'VpcId=vpc-0123', 'Subnets=subnet-a,subnet-b', 'ApiServerEndpoint=https://EXAMPLE.eks.amazonaws.com', 'CertificateAuthorityData=Q0E=', 'ServiceCidr=10.100.0.0/16', 'NodeInstanceType=m5.large'];

describe('the first runs of every command (exit codes, output on failure)', function () {
  this.timeout(60_000);
  const dir = tempDir('eks-nodegroup-runs-');
  const RUNS: [string[], number][] = [
    [['gen', '-o', path.join(dir, 'nodegroup.yaml')], 0],
    [['gen', '--ami-family', 'bottlerocket', '-o', path.join(dir, 'nodegroup-bottlerocket.yaml')], 0],
    [['validate', 'templates/nodegroup.yaml', 'templates/nodegroup-bottlerocket.yaml', 'templates/nodegroup-al2.yaml'], 0],
    // The two templates differ: exit 1.
    [['diff', 'templates/nodegroup-al2.yaml', 'templates/nodegroup.yaml'], 1],
    [['max-pods', '--all'], 0],
    [['max-pods', 'm5.large', '--explain'], 0],
    // Three replicas do not all fit on a t2.micro with the 2018 system pods: exit 1.
    [['pods', 't2.micro', '--replicas', '3', '--system-pods', 'eks-2018'], 1],
    [['render', 'templates/nodegroup.yaml', '--user-data', ...RENDER_PARAMS.flatMap((p) => ['-p', p])], 0],
  ];
  for (const [argv, exit] of RUNS) {
    it(`eks-nodegroup ${argv.join(' ').replace(dir, '<tmp>')} exits ${exit}`, async () => {
      const r = await runCli(argv);
      expect(r.code, `${r.stderr}${r.stdout.slice(0, 4000)}`).to.equal(exit);
    });
  }
});
