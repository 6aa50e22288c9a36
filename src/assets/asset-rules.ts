/**
 * What a forge accepts as release files, checked before any request. Each forge's adapter
 * folder supplies its own (limits, name rules); the rules all forges share are in asset-name.ts.
 */
export interface AssetRules {
  /** Most files one release may hold, where the forge caps it. */
  readonly maxAssets?: number
  /** Links carry paths of their own (GitLab), which must be valid and unique in a release. */
  readonly linkPaths: boolean
  /** Problems with an upload name on this forge, beyond the rules all forges share. */
  checkName(name: string): readonly NameProblem[]
  /** A file over the forge's size limit: an error, or a warning where the limit is a setting. */
  checkSize(name: string, size: number): SizeFinding | undefined
}

export interface NameProblem {
  readonly message: string
  readonly hint: string
}

export interface SizeFinding {
  readonly severity: 'error' | 'warning'
  readonly message: string
  readonly hint: string
}
