/**
 * Tencent Gongfeng REST v3 wire shapes, as seeds/gongfeng-releases-api.zh.txt shows them
 * (snake_case kept). Fields the docs show as nullable, or that older servers omit, are optional.
 */

export interface GongfengCommit {
  id: string
  short_id?: string
  committed_date?: string
}

export interface GongfengRef {
  name: string
  message?: string | null
  commit?: GongfengCommit | null
}

export interface GongfengAttachment {
  /** The stored name: Gongfeng filters special characters out of the uploaded file name. */
  name: string
  type?: string
  size?: number
  created_at?: string
}

export interface GongfengRelease {
  ref?: GongfengRef | null
  id?: number
  project_id?: number
  tag: string
  title?: string | null
  /** `release`, or `none` for a plain tag ("基线"): GET by tag answers for tags too. */
  type?: string | null
  /** `[]` in the current docs, `null` in older ones when there are none. */
  attachments?: GongfengAttachment[] | null
  description?: string | null
  created_at?: string | null
  updated_at?: string | null
  /** Shape undocumented: strings, `{name}` objects or one comma-separated string are accepted. */
  labels?: unknown
}

export interface GongfengTag {
  name: string
  message?: string | null
  commit?: GongfengCommit | null
}

export interface GongfengProject {
  id: number
  path_with_namespace?: string
  web_url?: string
}
