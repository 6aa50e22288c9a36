/**
 * Forgejo/Gitea REST v1 wire shapes, as modules/structs (release.go, attachment.go,
 * repo_tag.go, repo.go, settings.go) declare them (snake_case kept). Only what the adapter reads.
 */

/** `Attachment`. Gitea reports no digest: only the size. */
export interface GiteaAttachment {
  readonly id: number
  readonly name: string
  readonly size: number
  readonly uuid: string
  /**
   * `<repo>/releases/download/<tag>/<name>` while the release's names are unique, else
   * `<ROOT_URL>/attachments/<uuid>` (models/repo/release.go GetReleaseAttachments).
   */
  readonly browser_download_url: string
}

/** `Release`. It carries no commit sha: the tag (or the target, for a draft) says that. */
export interface GiteaRelease {
  readonly id: number
  readonly tag_name: string
  readonly target_commitish: string
  readonly name: string
  readonly body: string
  readonly html_url: string
  readonly draft: boolean
  readonly prerelease: boolean
  readonly assets?: readonly GiteaAttachment[]
}

/** `Tag` of `GET /repos/{owner}/{repo}/tags/{tag}`. */
export interface GiteaTag {
  readonly name: string
  readonly commit?: { readonly sha?: string } | null
}

/** `Branch` of `GET /repos/{owner}/{repo}/branches/{branch}`. */
export interface GiteaBranch {
  readonly commit?: { readonly id?: string } | null
}

/** `GeneralAttachmentSettings` of `GET /settings/attachment`. */
export interface GiteaAttachmentSettings {
  readonly enabled?: boolean
  readonly allowed_types?: string
  /** MB, for issue and comment attachments. */
  readonly max_size?: number
  readonly max_files?: number
}
