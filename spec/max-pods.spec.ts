import { expect } from 'chai';
import * as fs from 'node:fs';
import { EksNodegroupError } from '../lib/core';
import { getInstanceType, listInstanceTypes } from '../lib/instance-types';
import { explainMaxPods, explainMaxPodsFromFacts, maxPods, type MaxPodsOptions } from '../lib/max-pods';
import { requireShared, SHARED_TYPES, failure } from './helpers';


describe('max-pods engine', () => {
  describe('facts the hand computations below rest on (public EC2 figures)', () => {
    const cases: [string, number, number][] = [
      // type, ENIs on the default card, IPv4 addresses per ENI
      ['t2.micro', 2, 2],
      ['m5.large', 3, 10],
      ['c5.18xlarge', 15, 50],
      ['t3.medium', 3, 6],
    ];
    for (const [type, enis, ips] of cases) {
      it(`${type}: ${enis} ENIs × ${ips} IPv4`, () => {
        const f = getInstanceType(type);
        expect([f.defaultCardEnis, f.ipv4PerEni]).to.deep.equal([enis, ips]);
      });
    }
  });

  describe('default rule: ENIs × (IPv4 per ENI − 1) + 2', () => {
    it('t2.micro: 2 × (2 − 1) + 2', () => expect(maxPods('t2.micro')).to.equal(2 * (2 - 1) + 2));
    it('m5.large: 3 × (10 − 1) + 2', () => expect(maxPods('m5.large')).to.equal(3 * (10 - 1) + 2));
    it('c5.18xlarge: 15 × (50 − 1) + 2, no cap by default', () => expect(maxPods('c5.18xlarge')).to.equal(15 * 49 + 2));

    it('holds for every type in the data, and every value is a positive integer', () => {
      const types = listInstanceTypes();
      expect(types).to.have.length.greaterThan(1000);
      for (const t of types) {
        const v = maxPods(t.name);
        expect(Number.isInteger(v) && v > 0, `${t.name} → ${v}`).to.equal(true);
        expect(v, t.name).to.equal(t.defaultCardEnis * (t.ipv4PerEni - 1) + 2);
      }
    });

    it('every mode gives a positive integer for every type', () => {
      const modes: MaxPodsOptions[] = [
        { prefixDelegation: true, cap: false },
        { customNetworking: true },
        { maxEnis: 1 },
        { reservedEnis: 1 },
        { prefixDelegation: true, customNetworking: true, maxEnis: 2, cap: false },
        { calculatorParity: { cniVersion: '1.18.0', showMaxAllowed: true }, prefixDelegation: true },
      ];
      for (const t of listInstanceTypes()) {
        for (const m of modes) {
          const v = maxPods(t.name, m);
          expect(Number.isInteger(v) && v > 0, `${t.name} ${JSON.stringify(m)} → ${v}`).to.equal(true);
        }
        if (t.vcpus !== undefined) {
          const capped = maxPods(t.name, { prefixDelegation: true, cap: true });
          expect(capped).to.be.at.most(t.vcpus > 30 ? 250 : 110);
        }
      }
    });
  });

  describe('multi-network-card types use only the default card', () => {
    const multi = ['p5.48xlarge', 'p4d.24xlarge', 'trn1.32xlarge'];
    for (const type of multi) {
      it(`${type}: default card ENIs, not the instance-wide total`, () => {
        const f = getInstanceType(type);
        expect(f.networkCards).to.be.greaterThan(1);
        expect(f.totalEnis).to.be.greaterThan(f.defaultCardEnis);
        expect(maxPods(type)).to.equal(f.defaultCardEnis * (f.ipv4PerEni - 1) + 2);
        expect(maxPods(type)).to.not.equal(f.totalEnis * (f.ipv4PerEni - 1) + 2);
      });
    }

    it('matches the raw describe-instance-types record (NetworkCards[DefaultNetworkCardIndex])', function () {
      requireShared(this, SHARED_TYPES);
      const raw = JSON.parse(fs.readFileSync(SHARED_TYPES, 'utf8')).InstanceTypes as any[];
      for (const type of multi) {
        const r = raw.find((x) => x.InstanceType === type);
        const card = r.NetworkInfo.NetworkCards.find((c: any) => c.NetworkCardIndex === r.NetworkInfo.DefaultNetworkCardIndex);
        const expected = card.MaximumNetworkInterfaces * (r.NetworkInfo.Ipv4AddressesPerInterface - 1) + 2;
        expect(maxPods(type), type).to.equal(expected);
      }
      // The instance-wide MaximumNetworkInterfaces would give p5.48xlarge 100 ENIs' worth; the default card has far fewer.
      const differing = raw.filter((r) => {
        const card = r.NetworkInfo.NetworkCards.find((c: any) => c.NetworkCardIndex === r.NetworkInfo.DefaultNetworkCardIndex);
        return card.MaximumNetworkInterfaces !== r.NetworkInfo.MaximumNetworkInterfaces;
      });
      expect(differing.length).to.be.greaterThan(50);
      for (const r of differing) expect(getInstanceType(r.InstanceType).defaultCardEnis).to.be.lessThan(r.NetworkInfo.MaximumNetworkInterfaces);
    });
  });

  describe('modes, each computed by hand from the rule', () => {
    it('prefix delegation: ENIs × ((IPv4 − 1) × 16) + 2 on Nitro, uncapped with cap: false', () => {
      expect(maxPods('m5.large', { prefixDelegation: true, cap: false })).to.equal(3 * ((10 - 1) * 16) + 2);
      expect(maxPods('c5.18xlarge', { prefixDelegation: true, cap: false })).to.equal(15 * ((50 - 1) * 16) + 2);
    });
    it('prefix delegation is capped by default, as max-pods-calculator.sh caps: 110 up to 30 vCPUs, 250 above', () => {
      expect(getInstanceType('m5.large').vcpus).to.be.at.most(30);
      expect(maxPods('m5.large', { prefixDelegation: true })).to.equal(Math.min(110, 3 * ((10 - 1) * 16) + 2));
      expect(getInstanceType('c5.18xlarge').vcpus).to.be.above(30);
      expect(maxPods('c5.18xlarge', { prefixDelegation: true })).to.equal(Math.min(250, 15 * ((50 - 1) * 16) + 2));
      // Without prefix delegation the default is the plain formula, as in AWS's eni-max-pods.txt.
      expect(maxPods('c5.18xlarge')).to.equal(15 * 49 + 2);
      expect(explainMaxPods('m5.large', { prefixDelegation: true }).cap).to.include({ limit: 110, applied: true });
    });
    it('prefix delegation does not apply to Xen types (t2.micro keeps secondary IPs)', () => {
      expect(getInstanceType('t2.micro').hypervisor).to.equal('xen');
      const e = explainMaxPods('t2.micro', { prefixDelegation: true });
      expect(e.maxPods).to.equal(2 * (2 - 1) + 2);
      expect(e.prefixDelegation).to.equal(false);
      expect(e.steps.join('\n')).to.match(/not applied.*xen/);
    });
    it('custom networking: (ENIs − 1) × (IPv4 − 1) + 2', () => {
      expect(maxPods('m5.large', { customNetworking: true })).to.equal((3 - 1) * (10 - 1) + 2);
      expect(maxPods('t2.micro', { customNetworking: true })).to.equal((2 - 1) * (2 - 1) + 2);
    });
    it('max ENIs limits the ENIs used, never raises them', () => {
      expect(maxPods('m5.large', { maxEnis: 2 })).to.equal(2 * (10 - 1) + 2);
      expect(maxPods('c5.18xlarge', { maxEnis: 4 })).to.equal(4 * (50 - 1) + 2);
      expect(maxPods('m5.large', { maxEnis: 8 })).to.equal(3 * (10 - 1) + 2);
    });
    it('reserved ENIs are subtracted before the formula', () => {
      expect(maxPods('m5.large', { reservedEnis: 1 })).to.equal((3 - 1) * (10 - 1) + 2);
      expect(maxPods('c5.18xlarge', { reservedEnis: 2 })).to.equal((15 - 2) * (50 - 1) + 2);
    });
    it('recommended cap: 110 at ≤ 30 vCPUs, 250 above', () => {
      expect(getInstanceType('c5.18xlarge').vcpus).to.equal(72);
      expect(maxPods('c5.18xlarge', { cap: true })).to.equal(Math.min(15 * 49 + 2, 250));
      expect(maxPods('m5.large', { prefixDelegation: true, cap: true })).to.equal(Math.min(3 * 9 * 16 + 2, 110));
      expect(maxPods('m5.large', { cap: true })).to.equal(3 * 9 + 2);
      const e = explainMaxPods('c5.18xlarge', { cap: true });
      expect(e.cap).to.include({ limit: 250, applied: true });
      expect(e.computed).to.equal(15 * 49 + 2);
    });
    it('override wins over everything', () => {
      expect(maxPods('t2.micro', { override: 17 })).to.equal(17);
      expect(maxPods('m5.large', { prefixDelegation: true, cap: true, override: 58 })).to.equal(58);
    });
    it('combined modes: max ENIs, then custom networking, then prefix delegation', () => {
      expect(maxPods('c5.18xlarge', { maxEnis: 4, customNetworking: true, prefixDelegation: true, cap: false })).to.equal((4 - 1) * (49 * 16) + 2);
    });
  });

  describe('calculator parity (max-pods-calculator.sh)', () => {
    it('caps by default and prefix delegation needs CNI ≥ 1.9', () => {
      expect(maxPods('m5.large', { prefixDelegation: true, calculatorParity: { cniVersion: '1.8.0' } })).to.equal(3 * 9 + 2);
      expect(maxPods('m5.large', { prefixDelegation: true, calculatorParity: { cniVersion: '1.9.0' } })).to.equal(110);
      expect(maxPods('m5.large', { prefixDelegation: true, calculatorParity: { cniVersion: 'v1.12.6-eksbuild.2', showMaxAllowed: true } })).to.equal(3 * 9 * 16 + 2);
      expect(maxPods('c5.18xlarge', { calculatorParity: { cniVersion: '1.18.0' } })).to.equal(250);
    });
    it('applies prefix delegation only where the hypervisor is reported as nitro (not bare metal)', () => {
      const metal = getInstanceType('m5.metal');
      expect(metal.bareMetal).to.equal(true);
      expect(metal.hypervisor).to.equal(undefined);
      const plain = metal.defaultCardEnis * (metal.ipv4PerEni - 1) + 2;
      expect(maxPods('m5.metal', { prefixDelegation: true, calculatorParity: { cniVersion: '1.18.0', showMaxAllowed: true } })).to.equal(plain);
      // Outside parity mode bare metal counts as Nitro.
      expect(maxPods('m5.metal', { prefixDelegation: true, cap: false })).to.equal(metal.defaultCardEnis * (metal.ipv4PerEni - 1) * 16 + 2);
    });
  });

  describe('explanation', () => {
    it('lists inputs, ENIs used, IPs per ENI, the formula and the cap', () => {
      const e = explainMaxPods('m5.large', { prefixDelegation: true, cap: true });
      expect(e.inputs).to.include({ instanceType: 'm5.large', defaultCardEnis: 3, ipv4PerEni: 10, hypervisor: 'nitro', vcpus: 2 });
      expect(e).to.include({ enisUsed: 3, podIpsPerEni: 9 * 16, podIps: 3 * 9 * 16, computed: 3 * 9 * 16 + 2, maxPods: 110 });
      expect(e.formula).to.equal('3 × ((10 − 1) × 16) + 2 = 434');
      expect(e.cap).to.deep.include({ limit: 110, applied: true });
      expect(e.steps.some((s) => s.includes('≤ 30'))).to.equal(true);
    });
    it('works from raw facts without the data', () => {
      const e = explainMaxPodsFromFacts({ instanceType: 'custom', defaultCardEnis: 4, ipv4PerEni: 15, bareMetal: false, hypervisor: 'nitro' });
      expect(e.maxPods).to.equal(4 * 14 + 2);
    });
  });

  describe('bad input', () => {
    it('unknown type names the closest known types', () => {
      const e = failure(() => maxPods('m5.larg'));
      expect(e.code).to.equal('UNKNOWN_INSTANCE_TYPE');
      expect(e.message).to.contain('"m5.larg"').and.to.contain('m5.large');
      expect(failure(() => maxPods('t3.micr')).message).to.contain('t3.micro');
    });
    it('a type lacking vCPUs works without the cap and names the gap with it', () => {
      const f = getInstanceType('c5a.metal');
      expect(f.vcpus).to.equal(undefined);
      expect(maxPods('c5a.metal')).to.equal(f.defaultCardEnis * (f.ipv4PerEni - 1) + 2);
      const e = failure(() => maxPods('c5a.metal', { cap: true }));
      expect(e.code).to.equal('MISSING_FACT');
      expect(e.message).to.contain('c5a.metal').and.to.contain('vCPU');
    });
    const bad: [string, MaxPodsOptions][] = [
      ['maxEnis', { maxEnis: 0 }],
      ['maxEnis', { maxEnis: -1 }],
      ['maxEnis', { maxEnis: 1.5 }],
      ['maxEnis', { maxEnis: '2' as unknown as number }],
      ['reservedEnis', { reservedEnis: -1 }],
      ['override', { override: 0 }],
      ['override', { override: Number.NaN }],
      ['prefixDelegation', { prefixDelegation: 'yes' as unknown as boolean }],
      ['cniVersion', { calculatorParity: { cniVersion: 'latest' } }],
      ['max-pods option "prefixDelegaton"', { prefixDelegaton: true } as unknown as MaxPodsOptions],
    ];
    for (const [option, opts] of bad) {
      it(`rejects ${JSON.stringify(opts)} naming ${option}`, () => {
        const e = failure(() => maxPods('m5.large', opts));
        expect(e.code).to.equal('BAD_OPTION');
        expect(e.message).to.contain(option).and.to.contain('allowed');
      });
    }
  });
});
