export { startPop3Mock } from './assembly/start-pop3-mock';
export type { CapabilitySettings } from './capabilities/settings';
export type { Clock, TimerHandle } from './clock';
export { dialectFromFile, loadDialect } from './config/load-dialect';
export type { ControlOptions } from './control/control-server';
export {
  type ConnectOptions,
  ControlError,
  connectPop3Mock,
  RemoteMailbox,
  RemotePop3Mock,
} from './control/remote-client';
export {
  type ArgumentReader,
  type Dialect,
  type DialectName,
  dialects,
  dovecotDialect,
  GREENMAIL_VERSION,
  type GreetingInfo,
  gmailDialect,
  greenmailDialect,
  isDialectName,
  type LoginVerb,
  type ReplyTexts,
  rfc1939MinimalDialect,
  rfcDialect,
} from './dialects';
export type {
  CapturedCapa,
  DialectFile,
  FileBehaviour,
  FileObservations,
  FileText,
  FileTexts,
  TextChoice,
  TextState,
} from './dialects/dialect-file';
export type { FileTextName } from './dialects/file-placeholders';
export { type BuiltRule, connection, FaultBuilder, on, withExplain } from './faults/builder';
export type { RuleStatus } from './faults/engine';
export { explainRule } from './faults/explain';
export type {
  DelaySpec,
  FaultAction,
  FaultActionType,
  FaultRule,
  FaultRuleInput,
  FaultTrigger,
} from './faults/rule';
export type { ComposedMessage, MboxFormat, MessageSource, PathMessage, RawMessage } from './fixtures/types';
export { FixtureError } from './fixtures/types';
export type { DeletedMessage, MessageInfo } from './mailbox/mailbox';
export type { MailboxView } from './mailbox/mailbox-view';
export type {
  AddedRule,
  Answer,
  DeletedSummary,
  MailboxApi,
  MessageSummary,
  PatternOf,
  Pop3MockApi,
  Where,
} from './mock-api';
export { type Missing, NotFoundError } from './not-found-error';
export type { Pop3MockOptions, UserOptions } from './options';
export { InputError, type InputIssue } from './schema/input-error';
export type { Pop3Mock } from './server/pop3-mock';
export { ServerClosedError } from './server/server-closed-error';
export { UserLoggedInError } from './server/user-logged-in-error';
export type { SmtpAuthMode, SmtpOptions } from './smtp/intake';
export { createIsolatedUser, type IsolatedUser, type IsolatedUserOptions } from './testing/isolated-user';
export { type Pop3MockHandle, type UsePop3MockSettings, usePop3Mock } from './testing/use-pop3-mock';
export type { Logger } from './transcript/debug-log';
export type { JsonOptions, SessionJSON, TranscriptExport } from './transcript/json-export';
export type { CommandPattern } from './transcript/pattern';
export type { SessionFilter } from './transcript/query';
export type { RenderOptions } from './transcript/render';
export type { DroppedSessions } from './transcript/retention';
export type { AuthAttempt, RecordedReply, SessionRecord } from './transcript/session-record';
export type { TlsFailure, TlsRefusal } from './transcript/tls-refusal';
export type {
  MailboxOutcome,
  SessionWaitOptions,
  WaitForCommandOptions,
  WaitTimeout,
} from './transcript/transcript-api';
export type { Times, VerifyOptions } from './transcript/verify';
export { VerificationError } from './transcript/verify';
export { WaitCancelledError, WaitTimeoutError } from './transcript/waiting';
export { uiLink } from './ui/link';
export type {
  EndReason,
  LocatedCommand,
  LockMode,
  PlaintextDroppedCause,
  Pop3Event,
  Pop3EventType,
  PresentedCertificate,
  RecordedCommand,
  ReplyCut,
  ReplyStatus,
  SessionState,
  TlsAlertName,
  TlsCertificateMode,
  TlsFailureCause,
  TlsMode,
  TlsNonRefusalCause,
  TlsRefusalCause,
  TlsVersion,
} from './vocabulary';
