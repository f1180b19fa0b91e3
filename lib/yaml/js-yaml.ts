/** js-yaml, through one module so this package has one YAMLException class. */
import * as jsyamlModule from 'js-yaml';

export const jsyaml = jsyamlModule;
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace jsyaml {
  type Schema = jsyamlModule.Schema;
  type Type = jsyamlModule.Type;
  type YAMLException = jsyamlModule.YAMLException;
}
