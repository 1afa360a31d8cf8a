// The admin portal's built files (web/dist), read into memory at start and served at `/`.
//
// Paths that name no file and look like a portal page (no extension) get index.html, so a shared
// link such as /riskyUsers?riskLevel=high opens that page. Hashed assets under /assets/ are cached
// for a year; index.html is revalidated on every load so a new build is picked up.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "idguard/api/http_message.h"
#include "idguard/core/status.h"

namespace idguard::api {

class StaticFiles {
 public:
  // Reads every regular file under `root` (at most `max_bytes` in all). An empty root serves
  // nothing; a root without index.html is an error that names it.
  static Result<StaticFiles> Load(const std::string& root, std::size_t max_bytes = 64u << 20);

  bool empty() const { return files_.empty(); }
  std::size_t size() const { return files_.size(); }

  // The answer to a GET or HEAD of `path` (percent-encoded, without the query), or nullopt when
  // it is not the portal's (API paths, or files that do not exist).
  std::optional<HttpResponse> Serve(std::string_view path) const;

 private:
  struct File {
    std::string contentType;
    std::string body;
  };
  HttpResponse Answer(const std::string& name, const File& file) const;
  std::map<std::string, File, std::less<>>
      files_;  // by path relative to the root, e.g. "/assets/x.js"
};

// Security headers for every portal response: no framing, no sniffing, scripts and styles only
// from the server itself.
void AddPortalSecurityHeaders(HttpResponse& response);

}  // namespace idguard::api
