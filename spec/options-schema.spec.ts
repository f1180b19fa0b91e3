/**
 * The config JSON Schema (schema/nodegroup-options.schema.json) and its precompiled validator
 * (lib/nodegroup/generated/options-validator.ts), generated from the option types (freshness:
 * spec/generate.spec.ts), cover every option and check what they should.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { resolveNodeGroupOptions as checkNodeGroupOptions } from '../lib/nodegroup';
import optionsValidator from '../lib/nodegroup/generated/options-validator';
import { ROOT } from './helpers';
import * as path from 'node:path';

describe('config schema generated from the option types', function () {
  it('covers every option of NodeGroupOptions, with their documentation', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'nodegroup-options.schema.json'), 'utf8'));
    const opts = schema.definitions.NodeGroupOptions;
    expect(opts.additionalProperties).to.equal(false);
    for (const k of ['amiFamily', 'instanceTypes', 'excludeInstanceTypes', 'maxPods', 'maxPodsLayout', 'volume', 'imds', 'ssh', 'scaling', 'kubelet', 'tags', 'parameterDefaults']) {
      expect(opts.properties, k).to.have.property(k);
    }
    expect(schema.definitions.AmiFamily.enum).to.deep.equal(['al2023', 'bottlerocket', 'al2']);
    expect(schema.definitions.VolumeOptions.properties.size).to.include({ type: 'integer', minimum: 1 });
  });

  it('the precompiled validator accepts valid options and rejects bad ones', () => {
    expect(() => checkNodeGroupOptions({ amiFamily: 'al2', volume: { size: 30 }, maxPods: { prefixDelegation: true } })).to.not.throw();
    expect((optionsValidator as unknown as (d: unknown) => boolean)({}), 'the generated validator accepts no options').to.equal(true);
    expect(() => checkNodeGroupOptions({ volume: { size: '30' } } as never)).to.throw(/volume\.size/);
    expect(() => checkNodeGroupOptions({ maxPods: { prefixDelegaton: true } } as never)).to.throw(/unknown option "maxPods\.prefixDelegaton"/);
  });
});
