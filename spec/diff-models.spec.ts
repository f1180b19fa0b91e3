/**
 * lib/diff/resource-models.ts is extracted from the AWS resource database at build time so that
 * `diff` need not load the database. These tests keep it honest: it must match the installed
 * @aws-cdk/aws-service-spec byte for byte, cloudformation-diff must give the same impacts with it
 * as with the full database, and the fast path must really skip loading the database.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildResourceModels, MODELS_MODULE, parseModels, renderModelsModule } from '../lib/diff/build-models';
import { resourceImpacts, resourceModel } from '../lib/diff/impact';
import { RESOURCE_MODELS_SOURCE, RESOURCE_MODELS_TEXT } from '../lib/diff/resource-models';
import { parseTemplate } from '../lib/yaml';
import { requireShared, ROOT, SHARED_TEMPLATES } from './helpers';

const RESOURCE_MODELS = parseModels(RESOURCE_MODELS_SOURCE, RESOURCE_MODELS_TEXT);

type T = Record<string, unknown>;

describe('diff resource models (update behaviour extracted from the AWS resource database)', function () {
  this.timeout(120_000);

  it('match the installed @aws-cdk/aws-service-spec (else: npm run refresh-diff-models)', () => {
    const fresh = buildResourceModels();
    expect(RESOURCE_MODELS.source, 'run "npm run build && npm run refresh-diff-models && npm run build"').to.equal(fresh.source);
    expect(RESOURCE_MODELS.types).to.deep.equal(fresh.types);
    expect(fs.readFileSync(MODELS_MODULE, 'utf8')).to.equal(renderModelsModule(fresh));
  });

  it('the one-type look-up gives every type its entry, and nothing for a prefix or an unknown type', () => {
    for (const [type, e] of Object.entries(RESOURCE_MODELS.types)) {
      const m = resourceModel(type);
      expect(Object.keys(m!.properties).sort(), type).to.deep.equal([...(e.u ?? []), ...(e.r ?? []), ...(e.m ?? [])].sort());
    }
    for (const t of ['', 'AWS::EC2::Route Table', 'AWS::EC2::Rout', 'AWS::NoSuch::Type']) expect(resourceModel(t), t).to.equal(undefined);
  });

  it('know the properties the node-group resources replace on', () => {
    // Facts of AWS's resource specification, checked against the table rather than assumed.
    const lc = RESOURCE_MODELS.types['AWS::AutoScaling::LaunchConfiguration'];
    expect(lc.r, 'a launch configuration is immutable').to.include.members(['UserData', 'ImageId', 'InstanceType']);
    const lt = RESOURCE_MODELS.types['AWS::EC2::LaunchTemplate'];
    expect(lt.u, 'launch template data updates in place (a new version)').to.include('LaunchTemplateData');
    expect(lt.r).to.include('LaunchTemplateName');
    expect(RESOURCE_MODELS.types['AWS::IAM::Role'].s).to.include({ ManagedPolicyArns: 'ManagedPolicies' });
  });

  it('give cloudformation-diff the same impacts as its full database, on synthetic changes', () => {
    const a: T = {
      Resources: {
        LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateName: 'a', LaunchTemplateData: { InstanceType: 't3.small' } } },
        LC: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { ImageId: 'ami-1', InstanceType: 't3.small', UserData: 'x' } },
        ASG: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 1, MaxSize: 3, VPCZoneIdentifier: ['s-1'] } },
        SG: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'a', VpcId: 'v' } },
        Old: { Type: 'AWS::SNS::Topic', Properties: {} },
        Unknown: { Type: 'Custom::Thing', Properties: { A: 1 } },
      },
    };
    const b: T = {
      Resources: {
        LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateName: 'b', LaunchTemplateData: { InstanceType: 't3.large' } } },
        LC: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { ImageId: 'ami-1', InstanceType: 't3.small', UserData: 'y' } },
        ASG: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 2, MaxSize: 3, VPCZoneIdentifier: ['s-2'] } },
        SG: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'b', VpcId: 'v' } },
        New: { Type: 'AWS::SNS::Topic', Properties: {} },
        Unknown: { Type: 'Custom::Thing', Properties: { A: 2 } },
      },
    };
    const ours = resourceImpacts(a, b);
    const db = resourceImpacts(a, b, { useDatabase: true });
    expect(ours).to.deep.equal(db);
    expect(Object.keys(ours.resources).sort()).to.deep.equal(['ASG', 'LC', 'LT', 'New', 'Old', 'SG', 'Unknown']);
    expect(ours.resources.LC.impact).to.equal('replace');
    expect(ours.resources.New.impact).to.equal('create');
    expect(ours.resources.Old.impact).to.equal('destroy');
  });

  it('give the same impacts as the full database on every pair of AWS templates, both ways', function () {
    requireShared(this, SHARED_TEMPLATES);
    const files = fs.readdirSync(SHARED_TEMPLATES).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).to.have.length(9);
    const ts = files.map((f) => parseTemplate(fs.readFileSync(path.join(SHARED_TEMPLATES, f), 'utf8'), f));
    let compared = 0;
    for (let i = 0; i < ts.length; i++) {
      for (let j = 0; j < ts.length; j++) {
        if (i === j) continue;
        const ours = resourceImpacts(ts[i], ts[j]);
        expect(ours, `${files[i]} → ${files[j]}`).to.deep.equal(resourceImpacts(ts[i], ts[j], { useDatabase: true }));
        compared += Object.keys(ours.resources).length;
      }
    }
    expect(compared).to.be.greaterThan(100);
  });

  it('spare loading the database: the fast path never calls loadAwsServiceSpecSync', () => {
    // A fresh process, so no earlier test has loaded the database already.
    const script = `
      const spec = require('@aws-cdk/aws-service-spec');
      const orig = spec.loadAwsServiceSpecSync;
      let calls = 0;
      spec.loadAwsServiceSpecSync = (...a) => { calls++; return orig(...a); };
      const { resourceImpacts } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'diff', 'impact.js'))});
      const a = { Resources: { R: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateName: 'a' } } } };
      const b = { Resources: { R: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateName: 'b' } } } };
      const fast = resourceImpacts(a, b).resources.R.impact;
      const before = calls;
      const slow = resourceImpacts(a, b, { useDatabase: true }).resources.R.impact;
      console.log(JSON.stringify({ fast, slow, before, after: calls }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ fast: 'replace', slow: 'replace', before: 0, after: 1 });
  });
});
