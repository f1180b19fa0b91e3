import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EksNodegroupError } from '../lib/core';
import { dataProvenance, getInstanceType, instanceTypeNames, listInstanceTypes } from '../lib/instance-types';
import { awsFromFacts, factsFromAws, refreshData } from '../lib/instance-types/refresh';
import { requireShared, ROOT, runCli, SHARED_TYPES, tempDir, failure } from './helpers';

const OPTS = { source: 'test', date: '2026-01-02' };

function page(types: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ InstanceTypes: types, ...extra });
}

const M5_LARGE = {
  InstanceType: 'm5.large',
  BareMetal: false,
  Hypervisor: 'nitro',
  ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
  VCpuInfo: { DefaultVCpus: 2 },
  MemoryInfo: { SizeInMiB: 8192 },
  NetworkInfo: { MaximumNetworkInterfaces: 3, DefaultNetworkCardIndex: 0, NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }], Ipv4AddressesPerInterface: 10 },
};
const T2_MICRO = {
  InstanceType: 't2.micro',
  BareMetal: false,
  Hypervisor: 'xen',
  ProcessorInfo: { SupportedArchitectures: ['i386', 'x86_64'] },
  VCpuInfo: { DefaultVCpus: 1 },
  NetworkInfo: { MaximumNetworkInterfaces: 2, Ipv4AddressesPerInterface: 2 },
};
const MULTI_CARD = {
  InstanceType: 'p9.huge',
  NetworkInfo: {
    MaximumNetworkInterfaces: 6,
    DefaultNetworkCardIndex: 1,
    NetworkCards: [
      { NetworkCardIndex: 0, MaximumNetworkInterfaces: 4 },
      { NetworkCardIndex: 1, MaximumNetworkInterfaces: 2 },
    ],
    Ipv4AddressesPerInterface: 50,
  },
};


describe('instance data', () => {
  it('is sorted, unique, and its provenance counts it', () => {
    const names = instanceTypeNames();
    expect([...names].sort()).to.deep.equal([...names]);
    expect(new Set(names).size).to.equal(names.length);
    expect(dataProvenance().count).to.equal(names.length);
    expect(dataProvenance().date).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(listInstanceTypes().every((t) => t.defaultCardEnis >= 1 && t.ipv4PerEni >= 1)).to.equal(true);
  });

  it('includes t2.micro (missing from the 2018 AWS template)', () => {
    expect(getInstanceType('t2.micro')).to.include({ defaultCardEnis: 2, ipv4PerEni: 2, hypervisor: 'xen' });
  });

  it('the committed data is exactly what refresh-data makes from the shared describe-instance-types file', function () {
    requireShared(this, SHARED_TYPES);
    const p = dataProvenance();
    if (!p.source.startsWith('describe-instance-types.json:')) {
      console.log(`      (skipped: the data was refreshed from another source: ${p.source.slice(0, 80)})`);
      this.skip();
    }
    const text = refreshData([{ name: 'describe-instance-types.json', text: fs.readFileSync(SHARED_TYPES, 'utf8') }], { source: p.source, date: p.date });
    const committed = fs.readFileSync(path.join(ROOT, 'lib', 'instance-types', 'generated', 'data.ts'), 'utf8');
    expect(text === committed, 'lib/instance-types/generated/data.ts is stale: run eks-nodegroup refresh-data ../shared/data/describe-instance-types.json with the same --source and --date').to.equal(true);
    expect(listInstanceTypes()).to.have.length(JSON.parse(fs.readFileSync(SHARED_TYPES, 'utf8')).InstanceTypes.length);
  });
});

describe('refresh-data', () => {
  it('reads the default network card and the 64-bit architecture', () => {
    const text = refreshData([{ name: 'p', text: page([MULTI_CARD, T2_MICRO]) }], OPTS);
    expect(text).to.contain('["p9.huge",2,50,6,2,null,false,null,null,null]');
    expect(text).to.contain('["t2.micro",2,2,2,1,"xen",false,1,null,"x86_64"]');
  });

  it('awsFromFacts writes a record that reads back as the same facts (default card only)', () => {
    for (const f of listInstanceTypes()) {
      const plain = (x: object) => JSON.parse(JSON.stringify(x)); // absent and undefined fields alike
      expect(plain(factsFromAws(awsFromFacts(f))), f.name).to.deep.equal(plain({ ...f, networkCards: 1 }));
    }
  });

  it('is deterministic: same input → byte-identical output', () => {
    const input = [{ name: 'p', text: page([M5_LARGE, T2_MICRO, MULTI_CARD]) }];
    expect(refreshData(input, OPTS)).to.equal(refreshData(input, OPTS));
  });

  it('shuffled pages and entries → the same output', () => {
    const one = refreshData([{ name: 'all', text: page([M5_LARGE, T2_MICRO, MULTI_CARD]) }], OPTS);
    const pages = refreshData(
      [
        { name: 'page2', text: page([MULTI_CARD]) },
        { name: 'page1', text: page([T2_MICRO, M5_LARGE], { NextToken: 'abc' }) },
      ],
      OPTS,
    );
    expect(pages).to.equal(one);
  });

  it('shuffled real data → the same output', function () {
    requireShared(this, SHARED_TYPES);
    const all = JSON.parse(fs.readFileSync(SHARED_TYPES, 'utf8')).InstanceTypes as unknown[];
    // Deterministic shuffle (LCG), split into 3 pages.
    let seed = 42;
    const shuffled = [...all].sort(() => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5);
    const third = Math.ceil(shuffled.length / 3);
    const pages = [0, 1, 2].map((i) => ({ name: `p${i}`, text: page(shuffled.slice(i * third, (i + 1) * third)) }));
    expect(refreshData(pages.reverse(), OPTS)).to.equal(refreshData([{ name: 'all', text: page(all) }], OPTS));
  });

  describe('bad input', () => {
    const cases: [string, string, RegExp][] = [
      ['malformed JSON', '{"InstanceTypes": [', /not valid JSON/],
      ['not describe-instance-types output', '{"Reservations": []}', /expected an object with an "InstanceTypes" array/],
      ['empty list', page([]), /no instance types found/],
      ['missing NetworkInfo', page([{ InstanceType: 'x1.large' }]), /x1\.large.*NetworkInfo is missing/],
      ['negative IPv4 count', page([{ ...M5_LARGE, NetworkInfo: { ...M5_LARGE.NetworkInfo, Ipv4AddressesPerInterface: -3 } }]), /Ipv4AddressesPerInterface must be a whole number ≥ 1, got -3/],
      ['string ENI count', page([{ ...M5_LARGE, NetworkInfo: { ...M5_LARGE.NetworkInfo, MaximumNetworkInterfaces: '3' } }]), /MaximumNetworkInterfaces must be a whole number/],
      ['bad name', page([{ ...M5_LARGE, InstanceType: 'M5 LARGE' }]), /InstanceType must look like "m5.large"/],
      ['default card missing', page([{ ...M5_LARGE, NetworkInfo: { ...M5_LARGE.NetworkInfo, DefaultNetworkCardIndex: 3 } }]), /no card with the DefaultNetworkCardIndex 3/],
      ['conflicting duplicate', page([M5_LARGE, { ...M5_LARGE, VCpuInfo: { DefaultVCpus: 4 } }]), /m5\.large appears twice with different facts/],
    ];
    for (const [what, text, re] of cases) {
      it(what, () => {
        const e = failure(() => refreshData([{ name: 'types.json', text }], OPTS));
        expect(e.exitCode).to.equal(2);
        expect(e.message).to.match(re).and.to.contain('types.json');
      });
    }
    it('bad --date', () => {
      expect(failure(() => refreshData([{ name: 'p', text: page([M5_LARGE]) }], { source: 's', date: 'yesterday' })).message).to.contain('--date');
    });
  });

  describe('CLI', () => {
    it('writes the data module atomically and leaves it untouched on bad input', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'a.json'), page([M5_LARGE]));
      fs.writeFileSync(path.join(dir, 'b.json'), page([T2_MICRO]));
      let r = await runCli(['refresh-data', 'a.json', 'b.json', '-o', 'data.ts', '--date', '2026-01-02'], { cwd: dir });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('wrote data.ts: 2 instance types\n');
      const one = await runCli(['refresh-data', 'a.json', '-o', 'one.ts', '--date', '2026-01-02'], { cwd: dir });
      expect(one.stdout).to.equal('wrote one.ts: 1 instance type\n');
      const before = fs.readFileSync(path.join(dir, 'data.ts'), 'utf8');
      expect(before).to.contain('"count":2').and.to.contain('a.json, b.json');

      fs.writeFileSync(path.join(dir, 'bad.json'), '{"InstanceTypes": [{');
      r = await runCli(['refresh-data', 'bad.json', '-o', 'data.ts'], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('bad.json').and.to.contain('not valid JSON');
      expect(fs.readFileSync(path.join(dir, 'data.ts'), 'utf8')).to.equal(before);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });
    it('names a missing file', async () => {
      const r = await runCli(['refresh-data', 'nope.json'], { cwd: tempDir() });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('cannot read nope.json: no such file');
    });
    it('asks for input when given none', async () => {
      const r = await runCli(['refresh-data']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('describe-instance-types');
    });
  });
});
