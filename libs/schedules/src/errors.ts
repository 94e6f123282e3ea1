import type { SEARCH_ATTRIBUTES } from '@btc/workflows';

type SearchAttribute = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES];

/** `BytemarkUserId` → `bytemark_user_id`: a Terraform resource name. */
function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Our type names are tcld's (`Int`, `Keyword`, `KeywordList`); Terraform's are snake case. */
const TERRAFORM_TYPE: Record<SearchAttribute['type'], string> = {
  Int: 'int',
  Keyword: 'keyword',
  KeywordList: 'keyword_list',
};

/**
 * Thrown by `ensureSearchAttributes` when search attributes the workflows set are missing and the
 * server does not let this client add them: Temporal Cloud has no operator service, and a
 * self-hosted cluster may refuse it to these credentials. The message holds the exact `tcld`
 * command and the Terraform resources that add them (and the `temporal` CLI command for a
 * self-hosted cluster); setup stops rather than start workflows that would fail on them.
 */
export class SearchAttributesMissingError extends Error {
  constructor(
    readonly namespace: string,
    readonly missing: readonly SearchAttribute[],
    /** What the server answered the operator service call with (`PERMISSION_DENIED: …`). */
    readonly refusal: string,
  ) {
    const names = missing.map((a) => a.name).join(', ');
    const tcld = [
      'tcld namespace search-attributes add',
      `--namespace ${namespace}`,
      ...missing.map((a) => `--search-attribute ${a.name}=${a.type}`),
    ].join(' ');
    const terraform = missing.flatMap((a) => [
      `    resource "temporalcloud_namespace_search_attribute" "${snake(a.name)}" {`,
      `      namespace_id = "${namespace}" # or temporalcloud_namespace.<yours>.id`,
      `      name         = "${a.name}"`,
      `      type         = "${TERRAFORM_TYPE[a.type]}"`,
      '    }',
    ]);
    const selfHosted = missing
      .map(
        (a) => `temporal operator search-attribute create --namespace ${namespace} --name ${a.name} --type ${a.type}`,
      )
      .join(' && ');
    super(
      [
        `search attributes missing in namespace ${namespace}: ${names}; this server does not let us add them (the operator service answered ${refusal}; Temporal Cloud has none).`,
        'Add them, then run this again. On Temporal Cloud, with tcld:',
        `    ${tcld}`,
        'or with Terraform (provider temporalio/temporalcloud):',
        ...terraform,
        'On a self-hosted cluster, with an operator identity:',
        ...selfHosted,
      ].join('\n'),
    );
    this.name = 'SearchAttributesMissingError';
  }
}
