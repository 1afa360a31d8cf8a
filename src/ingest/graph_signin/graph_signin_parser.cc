#include "idguard/ingest/graph_signin_parser.h"

#include "ingest/graph_signin/graph_fields.h"
#include "ingest/json_object_reader.h"

namespace idguard {
namespace {

class GraphSignInParser final : public RecordParser {
 public:
  Result<SignIn> Parse(std::string_view record) override {
    SignIn sign_in;
    if (Status s = Read(record, sign_in); !s.ok()) return s;
    return sign_in;
  }
  Status ParseInto(std::string_view record, SignIn& into) override {
    ClearForReuse(into);
    return Read(record, into);
  }

 private:
  Status Read(std::string_view record, SignIn& sign_in) {
    simdjson::ondemand::object object;
    if (Status s = reader_.Open(record, "a Graph signIn", object); !s.ok()) return s;
    return graph_fields::ReadSignInObject(object, sign_in);
  }

  JsonObjectReader reader_;
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
    case InputFormat::okta:
      return "okta";
  }
  return "graph";
}

}  // namespace idguard
