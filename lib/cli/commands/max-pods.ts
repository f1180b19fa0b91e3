import { EksNodegroupError } from '../../core';
import { getInstanceType, instanceTypeNames } from '../../instance-types';
import { explainMaxPods, type MaxPodsExplanation, type MaxPodsOptions } from '../../max-pods';
import { intFlag, parseFlags, type FlagSpec, type Parsed } from '../args';
import type { CliIO, Command } from '../io';

const usage = 'eks-nodegroup max-pods (TYPE… | --all) [mode flags] [--explain | --json]';

/** Mode flags shared with every command that computes max pods (gen, pods). */
export const MAX_POD_FLAGS: FlagSpec = {
  'prefix-delegation': { type: 'boolean' },
  'custom-networking': { type: 'boolean' },
  'max-enis': { type: 'string' },
  'cni-max-eni': { type: 'string' },
  'reserved-enis': { type: 'string' },
  cap: { type: 'boolean' },
  'max-pods-override': { type: 'string' },
  'cni-version': { type: 'string' },
  'show-max-allowed': { type: 'boolean' },
};

export const MAX_POD_FLAGS_HELP = `mode flags:
  --prefix-delegation      VPC CNI prefix delegation (/28 prefixes; Nitro types only)
  --custom-networking      VPC CNI custom networking (primary ENI carries no pods)
  --max-enis N             use at most N ENIs (alias --cni-max-eni)
  --reserved-enis N        ENIs reserved for other uses (Karpenter), after --max-enis
  --cap                    apply AWS's recommended cap (110 for ≤ 30 vCPUs, 250 above)
  --max-pods-override N    use N as maxPods (kubelet maxPods set by hand)
  --cni-version V          behave like AWS's max-pods-calculator.sh for VPC CNI V
                           (prefix delegation needs ≥ 1.9 and Nitro; cap unless --show-max-allowed)
  --show-max-allowed       with --cni-version: skip the recommended cap`;

/** Builds MaxPodsOptions from the mode flags; bad values name the flag. */
export function maxPodsOptionsFromFlags(v: Parsed['values']): MaxPodsOptions {
  const o: MaxPodsOptions = {};
  if (v['prefix-delegation']) o.prefixDelegation = true;
  if (v['custom-networking']) o.customNetworking = true;
  if (v['max-enis'] !== undefined && v['cni-max-eni'] !== undefined) {
    throw new EksNodegroupError('BAD_USAGE', 'give --max-enis or --cni-max-eni, not both (they are the same flag)');
  }
  const maxEnis = intFlag('max-enis', v['max-enis'], 1) ?? intFlag('cni-max-eni', v['cni-max-eni'], 1);
  if (maxEnis !== undefined) o.maxEnis = maxEnis;
  const reserved = intFlag('reserved-enis', v['reserved-enis'], 0);
  if (reserved !== undefined) o.reservedEnis = reserved;
  const override = intFlag('max-pods-override', v['max-pods-override'], 1);
  if (override !== undefined) o.override = override;
  if (v['cni-version'] !== undefined) {
    if (v.cap) throw new EksNodegroupError('BAD_USAGE', '--cap goes without --cni-version (the calculator caps unless --show-max-allowed)');
    o.calculatorParity = { cniVersion: String(v['cni-version']), showMaxAllowed: v['show-max-allowed'] === true };
  } else {
    if (v['show-max-allowed']) throw new EksNodegroupError('BAD_USAGE', '--show-max-allowed needs --cni-version (calculator parity mode)');
    if (v.cap) o.cap = true;
  }
  return o;
}

function explainText(e: MaxPodsExplanation): string {
  const i = e.inputs;
  const facts = [
    `hypervisor ${i.hypervisor ?? 'not reported'}`,
    i.bareMetal ? 'bare metal' : undefined,
    i.vcpus !== undefined ? `${i.vcpus} vCPUs` : 'vCPUs unknown',
  ].filter(Boolean);
  return [
    `${e.instanceType}: maxPods ${e.maxPods}`,
    `  facts: ${i.defaultCardEnis} ENIs on the default card, ${i.ipv4PerEni} IPv4 per ENI, ${facts.join(', ')}`,
    ...e.steps.map((s, n) => `  ${n + 1}. ${s}`),
    `  formula: ${e.formula}`,
    '',
  ].join('\n');
}

export const command: Command = {
  usage,
  help: `usage: ${usage}

Prints "<type> <maxPods>" for each instance type (the format of AWS's eni-max-pods.txt).
  --all                    every known instance type, sorted
  --explain                show the facts and each step of the computation
  --json                   print JSON objects (with the explanation)
${MAX_POD_FLAGS_HELP}
`,
  run(args: string[], io: CliIO): number {
    const { values, positionals } = parseFlags(
      args,
      { ...MAX_POD_FLAGS, all: { type: 'boolean' }, explain: { type: 'boolean' }, json: { type: 'boolean' } },
      usage,
    );
    if (values.all && positionals.length > 0) {
      throw new EksNodegroupError('BAD_USAGE', `give instance types or --all, not both\nusage: ${usage}`);
    }
    if (!values.all && positionals.length === 0) {
      throw new EksNodegroupError('BAD_USAGE', `name at least one instance type (e.g. m5.large) or give --all\nusage: ${usage}`);
    }
    const options = maxPodsOptionsFromFlags(values);
    const types = values.all ? instanceTypeNames() : positionals;
    // Check every name first so one run reports all unknown types at once.
    const unknown: string[] = [];
    for (const t of types) {
      try {
        getInstanceType(t);
      } catch (e) {
        unknown.push((e as Error).message);
      }
    }
    if (unknown.length) throw new EksNodegroupError('UNKNOWN_INSTANCE_TYPE', unknown.join('\n'));

    const results: MaxPodsExplanation[] = [];
    const failures: string[] = [];
    for (const t of types) {
      try {
        results.push(explainMaxPods(t, options));
      } catch (e) {
        if (!(e instanceof EksNodegroupError)) throw e;
        failures.push(e.message);
      }
    }
    let out: string;
    if (values.json) {
      out = JSON.stringify(results, null, 2) + '\n';
    } else if (values.explain) {
      out = results.map(explainText).join('\n');
    } else {
      out = results.map((r) => `${r.instanceType} ${r.maxPods}\n`).join('');
    }
    io.stdout.write(out);
    if (failures.length) {
      io.stderr.write(`eks-nodegroup max-pods: ${failures.length} type(s) could not be computed:\n${failures.join('\n')}\n`);
      return 2;
    }
    return 0;
  },
};
