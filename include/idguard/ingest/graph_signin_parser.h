// Parsers for the JSON sign-in formats:
// - Microsoft Graph `signIn` objects (v1.0 plus the beta fields idguard uses);
// - Azure diagnostic-settings records as streamed to Event Hubs or storage
//   ({"time", "category", "properties": {<signIn>}, ...}); the category decides the sign-in kind,
//   and records of non-sign-in categories are rejected with a message naming the category.
//
// Both read fields in one pass in document order with simdjson On-Demand and never throw.
// One parser per thread (each owns its simdjson parser and padded scratch buffer).
#pragma once

#include <memory>

#include "idguard/ingest/record_parser.h"

namespace idguard {

std::unique_ptr<RecordParser> MakeGraphSignInParser();
std::unique_ptr<RecordParser> MakeDiagnosticRecordParser();

}  // namespace idguard
