import type { LinkType } from './domain.js'

/** The release as the forge holds it, in forge-neutral terms. */
export interface RemoteRelease {
  readonly tagName: string
  readonly name: string
  readonly description: string
  /** Titles; undefined where the forge has no milestones. */
  readonly milestones?: readonly string[]
  readonly releasedAt?: string
  readonly commitSha?: string
  readonly webUrl: string
  readonly draft: boolean
  readonly prerelease?: boolean
  /** Forge-specific id (GitHub release id, Gongfeng release id). */
  readonly id?: string
  readonly uploadUrl?: string
  readonly labels?: readonly string[]
  /** Milestones with their issue counts, where the forge reports them (GitLab). */
  readonly milestoneStats?: readonly MilestoneStats[]
  /** sha256 of evidence the server collected, newest first (GitLab). */
  readonly serverEvidenceShas?: readonly string[]
}

export interface MilestoneStats {
  readonly title: string
  readonly issues?: { readonly total: number; readonly closed: number }
  readonly webUrl?: string
}

export interface RemoteLink {
  readonly id: string
  readonly name: string
  readonly url: string
  readonly directAssetPath?: string
  /** The release's permanent download URL for the link (GitLab's direct_asset_url). */
  readonly directAssetUrl?: string
  readonly linkType: LinkType
}

/**
 * One asset as the forge holds it. On GitLab a stored file and its release link are separate
 * objects; `stored` and `link` say which exist. Forges without links keep `link` undefined.
 */
export interface RemoteAsset {
  readonly name: string
  /** Download URL users see (the link target on GitLab). */
  readonly url: string
  readonly directAssetUrl?: string
  readonly linkType?: LinkType
  readonly size?: number
  /** Lower-case hex, where the server reports it (or our SHA256SUMS recorded it). */
  readonly sha256?: string
  /**
   * The sha256 the server computed itself for the bytes it holds, as it reported it in the answer
   * this asset was read from (GitHub `digest`, GitLab `file_sha256`); never our own hash, nor
   * SHA256SUMS's. Verifying by it needs no download.
   */
  readonly serverSha256?: string
  /** The name the forge shows for it beside the stored name (GitHub's `label`). */
  readonly label?: string
  readonly stored: boolean
  readonly link?: RemoteLink
  /** Opaque handle the adapter needs to delete, replace or download it. */
  readonly handle?: unknown
}

/** A link the release should carry (GitLab): to an uploaded file or an external URL. */
export interface LinkSpec {
  readonly name: string
  readonly url: string
  readonly linkType: LinkType
  readonly directAssetPath?: string
}

/** The release fields the tool sets. */
export interface ReleaseFields {
  readonly tagName: string
  readonly name: string
  readonly description?: string
  readonly milestones?: readonly string[]
  readonly releasedAt?: string
  readonly ref?: string
  readonly tagMessage?: string
  readonly draft?: boolean
  readonly prerelease?: boolean
  readonly makeLatest?: 'true' | 'false' | 'legacy'
  readonly generateNotes?: boolean
  readonly labels?: readonly string[]
}
