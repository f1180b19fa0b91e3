/**
 * The `diff` command: files, URLs and aws:<date> served by a local HTTP server on 127.0.0.1 (never
 * the internet), the download cache, timeouts, every kind of bad input, text and JSON output,
 * colour rules, exit codes, and one end-to-end run of the built binary.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DEFAULT_NEW_TEMPLATE } from '../lib/cli/commands/diff';
import { getInstanceType, listInstanceTypes } from '../lib/instance-types';
import { toYaml } from '../lib/yaml';
import { runBin, runCli, tempDir } from './helpers';

type T = Record<string, unknown>;

/** Three types of whatever data is installed (tests hold on any data snapshot). */
const [A, B, C] = listInstanceTypes()
  .filter((f) => f.defaultCardEnis > 0)
  .slice(0, 3)
  .map((f) => f.name);

function byRule(type: string): number {
  const f = getInstanceType(type);
  return f.defaultCardEnis * (f.ipv4PerEni - 1) + 2;
}

/** A 2018-style launch configuration with this bootstrap.sh command line. */
const launchConfig = (bootstrap: string): T => ({
  Type: 'AWS::AutoScaling::LaunchConfiguration',
  Properties: {
    ImageId: 'ami-1',
    InstanceType: { Ref: 'NodeInstanceType' },
    UserData: { 'Fn::Base64': { 'Fn::Sub': `#!/bin/bash\nset -o xtrace\n${bootstrap}\n` } },
  },
});

const OLD: T = {
  AWSTemplateFormatVersion: '2010-09-09',
  Description: 'Amazon EKS - Node Group',
  Parameters: { NodeInstanceType: { Type: 'String', Default: B, AllowedValues: [A, B] } },
  Mappings: { MaxPodsPerNode: { [A]: { MaxPods: byRule(A) + 1 }, [B]: { MaxPods: byRule(B) } } },
  Resources: { NodeLaunchConfig: launchConfig('/etc/eks/bootstrap.sh ${AWS::StackName}') },
};

const NEW: T = {
  ...OLD,
  Parameters: { NodeInstanceType: { Type: 'String', Default: C, AllowedValues: [A, B, C] } },
  Mappings: { MaxPodsPerNode: { [A]: { MaxPods: byRule(A) }, [B]: { MaxPods: byRule(B) }, [C]: { MaxPods: byRule(C) } } },
  Resources: { NodeLaunchConfig: launchConfig('/etc/eks/bootstrap.sh ${AWS::StackName} --use-max-pods false') },
};

interface Server {
  base: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `routes` (path → body); `/slow/…` never answers; anything else is a 404. */
async function serve(routes: Record<string, string>): Promise<Server> {
  const hits = new Map<string, number>();
  const pending: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url.startsWith('/slow/')) {
      pending.push(res); // never answered: the client must time out
      return;
    }
    const body = routes[url];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/yaml' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of pending) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('diff command', function () {
  this.timeout(60_000);
  let dir: string;
  let oldFile: string;
  let newFile: string;
  let server: Server;

  before(async () => {
    dir = tempDir('eks-nodegroup-diff-');
    oldFile = path.join(dir, 'old.yaml');
    newFile = path.join(dir, 'new.json');
    fs.writeFileSync(oldFile, toYaml(OLD));
    fs.writeFileSync(newFile, JSON.stringify(NEW, null, 2));
    server = await serve({
      '/cfn/2018-08-30/amazon-eks-nodegroup.yaml': toYaml(OLD),
      '/files/new.yaml': toYaml(NEW),
      '/files/not-yaml.yaml': 'Parameters: [unclosed',
    });
  });
  after(() => server.close());

  /** Environment pointing aws:<date> at the local server and the cache at a fresh folder. */
  function env(extra: Record<string, string> = {}): Record<string, string | undefined> {
    return { EKS_NODEGROUP_AWS_BASE_URL: `${server.base}/cfn`, EKS_NODEGROUP_CACHE_DIR: path.join(dir, 'cache'), ...extra };
  }

  it('two files (YAML and JSON): exit 1, sections with [+] [-] [~], impact, user data and the max-pods table', async () => {
    const r = await runCli(['diff', oldFile, newFile], { env: env(), cwd: dir });
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(1);
    const out = r.stdout;
    expect(out).to.include(`--- ${oldFile}\n+++ ${newFile}`);
    expect(out).to.include('[~] NodeInstanceType');
    expect(out).to.include(`    [~] Default: ${B} → ${C}`);
    expect(out).to.include(`    [+] AllowedValues[2]: ${C}`);
    expect(out).to.include(`[~] MaxPodsPerNode › ${A}`);
    expect(out).to.include(`    [~] MaxPods: ${byRule(A) + 1} → ${byRule(A)}`);
    expect(out).to.include(`[+] MaxPodsPerNode › ${C}`);
    expect(out).to.include('[~] NodeLaunchConfig AWS::AutoScaling::LaunchConfiguration — REPLACED');
    expect(out).to.include('    -/etc/eks/bootstrap.sh ${AWS::StackName}\n');
    expect(out).to.include('    +/etc/eks/bootstrap.sh ${AWS::StackName} --use-max-pods false\n');
    const row = out.split('\n').find((l) => l.trimStart().startsWith(`${A} `));
    expect(row?.split(/\s+/).filter(Boolean).slice(0, 4)).to.deep.equal([A, String(byRule(A) + 1), String(byRule(A)), String(byRule(A))]);
    expect(row).to.include('old ≠ data');
    expect(out).to.match(/Summary: 1 added, 0 removed, 3 changed\.\n$/);
    expect(out).to.not.include('\u001b[');
  });

  it('the same template twice: exit 0, "no differences"', async () => {
    const copy = path.join(dir, 'copy.json');
    fs.writeFileSync(copy, JSON.stringify(OLD));
    const r = await runCli(['diff', oldFile, copy], { env: env() });
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include('The templates are the same to CloudFormation (no differences).');
  });

  it('--json: the diff with JSON pointers, labels, and byte-identical on a second run', async () => {
    const r = await runCli(['diff', '--json', oldFile, newFile], { env: env() });
    expect(r.code).to.equal(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).to.include({ old: oldFile, new: newFile, identical: false });
    const pointers = doc.entries.flatMap((e: { pointer: string; changes: { pointer: string }[] }) => [e.pointer, ...e.changes.map((c) => c.pointer)]);
    expect(pointers).to.include.members([
      '/Parameters/NodeInstanceType',
      '/Parameters/NodeInstanceType/Default',
      '/Parameters/NodeInstanceType/AllowedValues/2',
      `/Mappings/MaxPodsPerNode/${A}/MaxPods`,
      `/Mappings/MaxPodsPerNode/${C}`,
      '/Resources/NodeLaunchConfig/Properties/UserData/Fn::Base64/Fn::Sub',
    ]);
    expect(doc.maxPods.staleOld).to.deep.equal([A]);
    const again = await runCli(['diff', '--json', oldFile, newFile], { env: env() });
    expect(again.stdout).to.equal(r.stdout);
  });

  it('colour on a terminal only, and never with NO_COLOR', async () => {
    const tty = await runCli(['diff', oldFile, newFile], { env: env(), isTTY: true });
    expect(tty.stdout).to.include('\u001b[');
    const noColor = await runCli(['diff', oldFile, newFile], { env: env({ NO_COLOR: '1' }), isTTY: true });
    expect(noColor.stdout).to.not.include('\u001b[');
    const plain = await runCli(['diff', oldFile, newFile], { env: env(), isTTY: false });
    expect(noColor.stdout).to.equal(plain.stdout);
  });

  it('aws:<date> downloads from the base URL once, then reads the cache; --refresh downloads again', async () => {
    const cache = path.join(dir, 'cache-aws');
    const e = env({ EKS_NODEGROUP_CACHE_DIR: cache });
    const route = '/cfn/2018-08-30/amazon-eks-nodegroup.yaml';
    const first = await runCli(['diff', '--against', 'aws:2018-08-30', newFile], { env: e });
    expect(first.stderr).to.equal('');
    expect(first.code).to.equal(1);
    expect(first.stdout).to.include(`--- aws:2018-08-30 (${server.base}${route})`);
    expect(server.hits.get(route)).to.equal(1);
    const cached = fs.readdirSync(path.join(cache, 'templates'));
    expect(cached).to.have.length(1);
    expect(fs.readFileSync(path.join(cache, 'templates', cached[0]), 'utf8')).to.equal(toYaml(OLD));
    const second = await runCli(['diff', 'aws:2018-08-30', newFile], { env: e });
    expect(second.stdout).to.equal(first.stdout);
    expect(server.hits.get(route), 'second run reads the cache').to.equal(1);
    await runCli(['diff', '--refresh', 'aws:2018-08-30', newFile], { env: e });
    expect(server.hits.get(route)).to.equal(2);
    // A damaged cached copy is downloaded again, not reported as the user's error.
    fs.writeFileSync(path.join(cache, 'templates', cached[0]), 'Resources: [broken');
    const repaired = await runCli(['diff', 'aws:2018-08-30', newFile], { env: e });
    expect(repaired.stdout).to.equal(first.stdout);
    expect(server.hits.get(route)).to.equal(3);
    expect(fs.readFileSync(path.join(cache, 'templates', cached[0]), 'utf8')).to.equal(toYaml(OLD));
  });

  it('an https-or-loopback URL as NEW (not cached)', async () => {
    const r = await runCli(['diff', oldFile, `${server.base}/files/new.yaml`], { env: env() });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`+++ ${server.base}/files/new.yaml`);
    await runCli(['diff', oldFile, `${server.base}/files/new.yaml`], { env: env() });
    expect(server.hits.get('/files/new.yaml')).to.equal(2);
  });

  it('NEW defaults to the generated templates/nodegroup.yaml of the package, whatever the cwd', async function () {
    if (!fs.existsSync(DEFAULT_NEW_TEMPLATE)) this.skip();
    const r = await runCli(['diff', '--against', oldFile], { env: env(), cwd: dir });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/\n\+\+\+ .*templates\/nodegroup\.yaml \(generated\)\n/);
    expect(r.stdout).to.include('[+] MaxPodsBySize');
  });

  describe('bad input: exit 2, a message naming the input, nothing on stdout', () => {
    async function bad(argv: string[], pattern: RegExp, extraEnv: Record<string, string> = {}): Promise<void> {
      const r = await runCli(argv, { env: env(extraEnv), cwd: dir });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(pattern);
    }

    it('no template, three templates', async () => {
      await bad(['diff'], /name the template to compare against/);
      await bad(['diff', 'a', 'b', 'c'], /at most two templates/);
      await bad(['diff', '--against', 'a', 'b', 'c'], /at most two templates/);
    });

    it('a missing file', async () => {
      await bad(['diff', 'nope.yaml', oldFile], /cannot read nope\.yaml: no such file/);
    });

    it('unparsable YAML: file, line and column', async () => {
      const f = path.join(dir, 'broken.yaml');
      fs.writeFileSync(f, 'Resources:\n  A:\n    Type: "AWS::SNS::Topic\n');
      await bad(['diff', f, oldFile], new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    });

    it('an unknown tag, with its line and column', async () => {
      const f = path.join(dir, 'tag.yaml');
      fs.writeFileSync(f, 'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Frobnicate x\n');
      await bad(['diff', f, oldFile], /tag\.yaml:5:18: (unknown|unresolved) tag:? !Frobnicate/i);
    });

    it('a YAML document that is not a template', async () => {
      const f = path.join(dir, 'config.yaml');
      fs.writeFileSync(f, 'name: my-app\nreplicas: 3\n');
      await bad(['diff', f, oldFile], /config\.yaml: not a CloudFormation template/);
      const list = path.join(dir, 'list.yaml');
      fs.writeFileSync(list, '- a\n- b\n');
      await bad(['diff', oldFile, list], /list\.yaml.*not a CloudFormation template/);
    });

    it('a downloaded text that does not parse names the URL', async () => {
      await bad(['diff', oldFile, `${server.base}/files/not-yaml.yaml`], /not-yaml\.yaml:\d+:\d+: /);
    });

    it('aws:<date> AWS never published (HTTP 404), and a malformed date', async () => {
      await bad(['diff', 'aws:2099-01-01', oldFile], /cannot download aws:2099-01-01 .*HTTP 404.*AWS publishes no node-group template for 2099-01-01/);
      await bad(['diff', 'aws:2018-8-30', oldFile], /invalid value for aws:<date>: "2018-8-30" \(allowed: a publication date YYYY-MM-DD/);
    });

    it('an unreachable URL: connection refused', async () => {
      const closed = await serve({});
      const url = `${closed.base}/x.yaml`;
      await closed.close();
      await bad(['diff', url, oldFile], /cannot download http:\/\/127\.0\.0\.1:\d+\/x\.yaml: connection refused/);
    });

    it('a server that never answers: a clear error after --timeout', async () => {
      const t0 = Date.now();
      await bad(['diff', '--timeout', '1', `${server.base}/slow/t.yaml`, oldFile], /no complete answer from 127\.0\.0\.1:\d+ within 1 s \(raise --timeout/);
      expect(Date.now() - t0).to.be.below(10_000);
    });

    it('plain http:// beyond the loopback address, and a bad --timeout', async () => {
      await bad(['diff', 'http://example.com/t.yaml', oldFile], /only https:\/\/ URLs are downloaded/);
      await bad(['diff', '--timeout', '0', oldFile, oldFile], /invalid value for --timeout: "0" \(allowed: a whole number ≥ 1\)/);
    });
  });

  it('end to end: the built binary, exit codes 1, 0 and 2', () => {
    const e = { ...process.env, NO_COLOR: '1', EKS_NODEGROUP_CACHE_DIR: path.join(dir, 'cache-bin') };
    const differ = runBin(['diff', oldFile, newFile], { env: e });
    expect(differ.code).to.equal(1);
    expect(differ.stdout).to.include('[~] NodeInstanceType');
    expect(runBin(['diff', oldFile, oldFile], { env: e }).code).to.equal(0);
    const missing = runBin(['diff', path.join(dir, 'missing.yaml'), oldFile], { env: e });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^eks-nodegroup diff: cannot read .*missing\.yaml: no such file\n$/);
  });
});
