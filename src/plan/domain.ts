/**
 * The words every layer shares: which forge, what kind of link, what to do when a release or an
 * asset exists already. Settings parse them from inputs; plan, engine and forges speak them.
 */
export type Platform = 'gitlab' | 'gongfeng' | 'github' | 'gitea'
/** `gitea` is Forgejo and Gitea alike: one REST v1 (the `platform` input takes `forgejo` too). */
export const PLATFORMS: readonly Platform[] = ['gitlab', 'gongfeng', 'github', 'gitea']

export type LinkType = 'other' | 'runbook' | 'image' | 'package'
export const LINK_TYPES: readonly LinkType[] = ['other', 'runbook', 'image', 'package']

export type ReleaseExistsPolicy = 'update' | 'skip' | 'fail'
export type AssetExistsPolicy = 'replace' | 'skip' | 'fail'
/**
 * Which symbolic links an `assets` glob follows: `inside` those whose real target lies in the
 * workspace or below the pattern's own base directory, `always` every one, `never` none. A path
 * written without glob characters is followed whatever the policy: the user named it.
 */
export type SymlinkPolicy = 'inside' | 'always' | 'never'
/** GitLab only: where files are stored. */
export type UploadTarget = 'generic_package' | 'project_uploads'
/**
 * How published files are checked (input `verify`): `standard` (`true`) compares the server's own
 * sha256 where it reports one, else the size it lists (and one file's download link); `full`
 * downloads and hashes every file; `off` (`false`) checks nothing.
 */
export type VerifyMode = 'off' | 'standard' | 'full'

/** One entry of `asset_links`: a link to something the tool does not upload. */
export interface ExternalLink {
  readonly name: string
  readonly url: string
  readonly linkType: LinkType
  readonly directAssetPath?: string
}

/** One entry of the `assets` input: a glob (or path) and how its files are published. */
export interface AssetPattern {
  readonly pattern: string
  /** Upload name; only allowed when the pattern matches exactly one file. */
  readonly name?: string
  readonly linkType?: LinkType
  readonly directAssetPath?: string
}
