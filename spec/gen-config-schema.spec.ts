/**
 * The config JSON Schema (schema/nodegroup-options.schema.json) and its precompiled validator
 * (lib/nodegroup/generated/options-validator.ts) are generated from the option types; this fails
 * when either is stale (regenerate: npm run build && npm run gen-config-schema && npm run build).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { resolveNodeGroupOptions as checkNodeGroupOptions } from '../lib/nodegroup';
import optionsValidator from '../lib/nodegroup/generated/options-validator';
import { CONFIG_SCHEMA_FILE, CONFIG_VALIDATOR_FILE, generateConfigSchemaFiles } from '../scripts/gen-config-schema';

describe('config schema generated from the option types', function () {
  this.timeout(120_000);
  let files: { schema: string; validator: string };
  before(() => {
    files = generateConfigSchemaFiles();
  });

  it('schema/nodegroup-options.schema.json is up to date', () => {
    expect(fs.readFileSync(CONFIG_SCHEMA_FILE, 'utf8') === files.schema, 'stale schema: npm run build && npm run gen-config-schema && npm run build').to.equal(true);
  });

  it('lib/nodegroup/generated/options-validator.ts is up to date', () => {
    expect(fs.readFileSync(CONFIG_VALIDATOR_FILE, 'utf8') === files.validator, 'stale validator: npm run build && npm run gen-config-schema && npm run build').to.equal(true);
  });

  it('covers every option of NodeGroupOptions, with their documentation', () => {
    const schema = JSON.parse(files.schema);
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
