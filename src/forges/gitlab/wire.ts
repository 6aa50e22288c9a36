/** GitLab REST v4 wire shapes, as lib/api/entities/*.rb expose them (snake_case kept). */

export interface GitLabLink {
  id: number
  name: string
  url: string
  direct_asset_url?: string
  link_type?: string
}

export interface GitLabMilestone {
  id: number
  title: string
  web_url?: string
  issue_stats?: { total: number; closed: number }
}

export interface GitLabRelease {
  name: string | null
  tag_name: string
  description: string | null
  released_at?: string
  upcoming_release?: boolean
  commit?: { id: string }
  milestones?: GitLabMilestone[]
  assets?: { count?: number; links?: GitLabLink[] }
  evidences?: { sha: string; filepath: string; collected_at: string }[]
  _links?: { self?: string }
}

export interface GitLabTag {
  name: string
  target: string
  commit?: { id: string }
}

export interface GitLabPackage {
  id: number
  name: string
  version: string
  package_type: string
}

export interface GitLabPackageFile {
  id: number
  package_id?: number
  file_name: string
  size: number
  file_sha256?: string | null
  created_at?: string
}

export interface GitLabUpload {
  url: string
  full_path?: string
  alt?: string
  markdown?: string
}

export interface GitLabVersion {
  version: string
}

/** `{"message": ...}` or Grape's `{"error": ...}`. */
export interface GitLabErrorBody {
  message?: unknown
  error?: unknown
}
