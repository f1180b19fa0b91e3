/** What several stages share: errors, own-property and JSON-pointer helpers, the one suggester, CloudFormation's names, bounds on untrusted data. */
export * from './errors';
export * from './object';
export * from './pointer';
export * from './suggest';
export * from './cfn';
export * from './words';
export * from './tree';
export * from './pattern';
export * from './quotas';
