// JsonObjectReader: opens one JSON record as a simdjson On-Demand object. It owns the parser,
// the padded copy of the record and the document, so the object it hands out stays valid until
// the next Open. Shared by the JSON record parsers; one per parser, so one per thread.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "idguard/core/status.h"
#include "ingest/padded_scratch.h"

namespace idguard {

class JsonObjectReader {
 public:
  // `what` names the expected record in the error, e.g. "a Graph signIn".
  Status Open(std::string_view record, std::string_view what, simdjson::ondemand::object& object) {
    if (auto error = parser_.iterate(scratch_.Copy(record)).get(document_)) {
      return Status::InvalidInput(std::string("not JSON: ") + simdjson::error_message(error));
    }
    if (document_.get_object().get(object) != simdjson::SUCCESS) {
      return Status::InvalidInput("expected a JSON object (" + std::string(what) + ")");
    }
    return Status::Ok();
  }

 private:
  simdjson::ondemand::parser parser_;
  PaddedScratch scratch_;
  simdjson::ondemand::document document_;
};

}  // namespace idguard
