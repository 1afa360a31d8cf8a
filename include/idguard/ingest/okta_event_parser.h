// Okta System Log events as sign-ins: the raw /api/v1/logs shape (nested `actor`, `client`,
// `outcome`, `authenticationContext`, `target`, ...) and its flattened copy in a Microsoft
// Sentinel custom table (`Okta_CL`: `actor_alternateId`, `client_ipAddress`, `outcome_result`,
// with or without the `_s`/`_d`/`_b`/`_t`/`_g` column suffixes, `target` as JSON text).
//
// Sign-in events become SignIns (docs/input-formats.md#okta-system-log): user.session.start,
// user.authentication.sso, user.authentication.auth_via_*, user.authentication.verify,
// user.mfa.okta_verify.deny_push and user.account.report_suspicious_activity_by_enduser. Every
// other event type (directory imports, policy changes, session ends, ...) is valid input that
// holds no sign-in: Parse returns a NotFound status for it, which the replay counts and skips.
#pragma once

#include <memory>

#include "idguard/ingest/record_parser.h"

namespace idguard {

std::unique_ptr<RecordParser> MakeOktaEventParser();

}  // namespace idguard
