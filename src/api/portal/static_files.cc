#include "api/portal/static_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace idguard::api {
namespace {

namespace fs = std::filesystem;

std::string ContentTypeOf(std::string_view name) {
  struct Type {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  for (const Type& type : kTypes) {
    if (name.size() >= type.extension.size() &&
        name.substr(name.size() - type.extension.size()) == type.extension) {
      return std::string(type.type);
    }
  }
  return "application/octet-stream";
}

// API and operations paths are never the portal's, even when no route matches them: a mistyped
// API call must get the Graph 404, not a web page.
bool IsApiPath(std::string_view path) {
  for (std::string_view prefix : {"/v1/", "/v1.0/", "/beta/"}) {
    if (path.substr(0, prefix.size()) == prefix) return true;
  }
  return path == "/v1" || path == "/v1.0" || path == "/beta" || path == "/metrics" ||
         path == "/healthz" || path == "/readyz" || path == "/openapi.json";
}

bool LooksLikePage(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return path.substr(slash + 1).find('.') == std::string_view::npos;
}

}  // namespace

Result<StaticFiles> StaticFiles::Load(const std::string& root, std::size_t max_bytes) {
  StaticFiles files;
  if (root.empty()) return files;
  std::error_code error;
  if (!fs::is_regular_file(fs::path(root) / "index.html", error)) {
    return Status::InvalidInput("the portal folder '" + root +
                                "' has no index.html (build it with npm run build --prefix web)");
  }
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return Status::Internal("cannot read '" + it->path().string() + "'");
    }
    total += body.size();
    if (total > max_bytes) {
      return Status::InvalidInput("the portal folder '" + root + "' holds more than " +
                                  std::to_string(max_bytes >> 20) + " MiB");
    }
    const std::string name = "/" + fs::relative(it->path(), root).generic_string();
    files.files_.emplace(name, File{ContentTypeOf(name), std::move(body)});
  }
  if (error) return Status::Internal("cannot list '" + root + "': " + error.message());
  return files;
}

std::optional<HttpResponse> StaticFiles::Serve(std::string_view path) const {
  if (files_.empty() || IsApiPath(path)) return std::nullopt;
  const std::string_view name = path == "/" ? std::string_view("/index.html") : path;
  if (auto found = files_.find(name); found != files_.end()) {
    return Answer(found->first, found->second);
  }
  if (!LooksLikePage(path)) return std::nullopt;
  auto index = files_.find(std::string_view("/index.html"));
  if (index == files_.end()) return std::nullopt;
  return Answer(index->first, index->second);
}

HttpResponse StaticFiles::Answer(const std::string& name, const File& file) const {
  HttpResponse response;
  response.contentType = file.contentType;
  response.body = file.body;
  const bool hashed = name.rfind("/assets/", 0) == 0;
  response.headers.emplace_back("Cache-Control",
                                hashed ? "public, max-age=31536000, immutable" : "no-cache");
  AddPortalSecurityHeaders(response);
  response.route = "GET /(portal)";
  return response;
}

void AddPortalSecurityHeaders(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' "
                                "'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
                                "form-action 'self'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace idguard::api
