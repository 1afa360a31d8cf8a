// Finding the records in a JSON input: NDJSON (one object per line), a JSON array of objects, a
// Graph page ({"@odata.context", "value": [...]}) or an Event Hubs capture ({"records": [...]}),
// including files holding one page or capture per line. Records are returned as byte spans with
// the line they start on, so parse errors can name file and line.
#pragma once

#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/ingest/record_parser.h"

namespace idguard {

Status SplitJsonRecords(std::string_view document, std::vector<RecordSpan>& records,
                        const ScanProgress& progress = {});

// Guesses the format of a file from its first record: a Log Analytics CSV header or PascalCase
// JSON keys → loganalytics; a top-level "category" with "properties" → diagnostic; `eventType`,
// `uuid` and `published` → okta; otherwise graph. `is_csv` is set when the document is CSV rather
// than JSON.
InputFormat DetectInputFormat(std::string_view document, bool& is_csv);

}  // namespace idguard
