/**
 * Fake forge servers for tests, the demo and the benchmark. See README.md in this folder.
 */
export { startFakeServer } from './server.js'
export { CONTRACT_MARKER, ContractViolation } from './contract-violation.js'
export type {
  FakeServer,
  FakeServerOptions,
  FaultResponse,
  Handler,
  Personality,
  PersonalityContext,
} from './server.js'
export { Exchange } from './exchange.js'
export type { HeaderMap } from './exchange.js'
export { Router } from './router.js'
export type { RouteMatch, RouteParams } from './router.js'
export { RequestLog } from './request-log.js'
export type { LoggedRequest, RequestFilter } from './request-log.js'
export { Faults } from './faults.js'
export type { FaultHandle, FaultKind, FaultRule } from './faults.js'
export { BlobStore } from './blob-store.js'
export type { BlobWriteResult, StorageMode, StoredBlob } from './blob-store.js'
export { readMultipart, multipartBoundary } from './multipart.js'
export type { MultipartPart } from './multipart.js'
export { parseNestedParams } from './form-params.js'
export { startFakeGitLab } from './gitlab.js'
export type { FakeGitLab, FakeGitLabOptions } from './gitlab.js'
export { GitLabState } from './gitlab/state.js'
export type {
  AccessLevel,
  GenericPackage,
  MarkdownUpload,
  Milestone,
  MilestoneSeed,
  PackageFile,
  Project,
  ProjectSeed,
  Release,
  ReleaseLink,
  ReleaseSeed,
  Tag,
  TagSeed,
  TokenSeed,
  TokenType,
  Visibility,
} from './gitlab/state.js'
export type { GitLabConfig, GitLabFeatures, GitLabThrottle } from './gitlab/context.js'
export { TEST_TLS } from './test-tls.js'
export { startFakeGongfeng, type FakeGongfeng, type FakeGongfengOptions } from './gongfeng.js'
export { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './github.js'
export { startFakeGitea, type FakeGitea, type FakeGiteaOptions } from './gitea.js'
