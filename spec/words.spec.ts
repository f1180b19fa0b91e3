/**
 * Counts and shares in words: a count of one takes the singular ("1 instance type", "1 error"),
 * never "1 instance types" or "error(s)"; a share that rounds to 0% is "<1%".
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listOf, percent, plural } from '../lib/core';
import { diffTemplates } from '../lib/diff';
import { formatDiffText } from '../lib/format';
import { buildNodeGroupTemplate } from '../lib/nodegroup';
import { runCli, tempDir } from './helpers';

describe('words: counts of one and small shares', function () {
  this.timeout(60_000);
  const dir = tempDir('eks-nodegroup-words-');

  it('plural, percent and listOf', () => {
    expect([plural(1, 'type'), plural(2, 'type'), plural(1, 'entry', 'entries'), plural(0, 'entry', 'entries')]).to.deep.equal(['1 type', '2 types', '1 entry', '0 entries']);
    expect([percent(0), percent(0.0007), percent(0.004), percent(0.005), percent(0.5), percent(0.996), percent(1)]).to.deep.equal(['0%', '<1%', '<1%', '1%', '50%', '>99%', '100%']);
    expect(listOf(['a', 'b', 'c'], 2)).to.equal('a, b, … 1 more');
  });

  it('gen and its template say "1 instance type" for one type', async () => {
    const r = await runCli(['gen', '-t', 'm5.large', '-o', 'one.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const text = fs.readFileSync(path.join(dir, 'one.yaml'), 'utf8');
    expect(text).to.include('max pods computed for 1 instance type by eks-nodegroup').and.to.include('(the one type this template holds max pods for)');
    expect(text).to.not.match(/\b1 (instance )?types\b/);
    expect(r.stdout).to.include('1 instance type,');
  });

  it('validate says "1 error" and "1 warning"', async () => {
    const t = buildNodeGroupTemplate({ instanceTypes: ['m5.large'], maxPods: { override: 40 } }) as Record<string, any>;
    t.Resources.NodeSecurityGroup.Properties.VpcId = { Ref: 'VpcID' };
    fs.writeFileSync(path.join(dir, 'bad.yaml'), JSON.stringify(t));
    const r = await runCli(['validate', 'bad.yaml'], { cwd: dir });
    expect(r.stdout).to.include('bad.yaml: invalid (1 error, 1 warning)');
  });

  it('max-pods says "1 type could not be computed"', async () => {
    const r = await runCli(['max-pods', 'c5a.metal', '--cap']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('1 type could not be computed');
  });

  it('diff counts one entry, one line and one stale value in the singular', () => {
    const a = buildNodeGroupTemplate({ instanceTypes: ['m5.large'], maxPodsLayout: 'per-type' }) as Record<string, any>;
    const b = structuredClone(a);
    b.Mappings.Extra = { one: { k: 'v' } };
    b.Mappings.MaxPodsPerNode['m5.large'].MaxPods = 30;
    const text = formatDiffText(diffTemplates(a, b));
    expect(text).to.include('(1 entry)').and.to.include('1 new value differs from the data');
    expect(text).to.not.match(/\(s\)|\b1 (entries|types|values)\b/);
  });
});
