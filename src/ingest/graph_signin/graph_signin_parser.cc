#include "idguard/ingest/graph_signin_parser.h"

#include "ingest/graph_signin/graph_fields.h"
#include "ingest/graph_signin/padded_scratch.h"

namespace idguard {
namespace {

class GraphSignInParser final : public RecordParser {
 public:
  Result<SignIn> Parse(std::string_view record) override {
    simdjson::ondemand::document document;
    if (auto error = parser_.iterate(scratch_.Copy(record)).get(document)) {
      return Status::InvalidInput(std::string("not JSON: ") + simdjson::error_message(error));
    }
    simdjson::ondemand::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) {
      return Status::InvalidInput("expected a JSON object (a Graph signIn)");
    }
    SignIn sign_in;
    if (Status s = graph_fields::ReadSignInObject(object, sign_in); !s.ok()) return s;
    return sign_in;
  }

 private:
  simdjson::ondemand::parser parser_;
  PaddedScratch scratch_;
};

}  // namespace

std::unique_ptr<RecordParser> MakeGraphSignInParser() {
  return std::make_unique<GraphSignInParser>();
}

std::string_view ToString(InputFormat format) {
  switch (format) {
    case InputFormat::graph:
      return "graph";
    case InputFormat::loganalytics:
      return "loganalytics";
    case InputFormat::diagnostic:
      return "diagnostic";
  }
  return "graph";
}

}  // namespace idguard
