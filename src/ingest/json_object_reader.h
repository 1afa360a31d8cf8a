// JsonObjectReader: opens one JSON record as a simdjson On-Demand object (or JSON text embedded in
// a field as an array). It owns the parser, the padded copy of the text and the document, so what
// it hands out stays valid until the next Open. Shared by the JSON record parsers; one per use,
// so one per thread.
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
    if (auto error = document_.get_object().get(object)) {
      // A value of another kind, or text that is not JSON at all (cut short, unbalanced).
      if (error == simdjson::INCORRECT_TYPE) {
        return Status::InvalidInput("expected a JSON object (" + std::string(what) + ")");
      }
      return Status::InvalidInput(std::string("not JSON: ") + simdjson::error_message(error));
    }
    return Status::Ok();
  }

  // Whether the record opened last ends where its object ends (nothing but white space after).
  bool AtEnd() { return document_.current_location().error() == simdjson::OUT_OF_BOUNDS; }

  // Opens JSON text that a field carries as a string (Graph's additionalInfo, Sentinel's
  // flattened columns) as an array; false when it is not one. The caller names the field.
  bool OpenArray(std::string_view text, simdjson::ondemand::array& array) {
    return parser_.iterate(scratch_.Copy(text)).get(document_) == simdjson::SUCCESS &&
           document_.get_array().get(array) == simdjson::SUCCESS;
  }

 private:
  simdjson::ondemand::parser parser_;
  PaddedScratch scratch_;
  simdjson::ondemand::document document_;
};

}  // namespace idguard
