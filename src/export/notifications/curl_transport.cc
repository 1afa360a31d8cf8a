// SMTP and HTTP POST through libcurl: one easy handle per call (notifications are rare), with
// timeouts so a slow server never holds a notifier thread for long.
#include <curl/curl.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>

#include "idguard/core/digest.h"
#include "idguard/export/mail.h"

namespace idguard {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

std::size_t DiscardBody(char*, std::size_t size, std::size_t count, void*) { return size * count; }

List Append(List list, const std::string& item) {
  curl_slist* appended = curl_slist_append(list.get(), item.c_str());
  if (appended == nullptr) return list;
  (void)list.release();
  return List(appended);
}

std::string NewMessageId(EventTime now, const std::string& from) {
  static std::atomic<std::uint64_t> sequence{0};
  const auto at = from.rfind('@');
  const std::string domain = at == std::string::npos ? "idguard.invalid" : from.substr(at + 1);
  return Sha256Hex(std::to_string(now) + "|" + std::to_string(sequence.fetch_add(1)) + "|" + from)
             .substr(0, 32) +
         "@" + domain;
}

}  // namespace

Status SendMail(const SmtpOptions& options, const MailMessage& message, EventTime now) {
  if (options.url.empty()) return Status::Unavailable("no SMTP server is configured");
  if (message.to.empty()) return Status::InvalidInput("the message has no recipients");
  GlobalInit();
  Easy curl(curl_easy_init());
  if (!curl) return Status::Internal("libcurl could not start a transfer");
  const std::string text =
      FormatMailMessage(message, options.from, now, NewMessageId(now, options.from));
  Upload upload{text};
  List recipients;
  for (const std::string& to : message.to)
    recipients = Append(std::move(recipients), "<" + to + ">");
  const std::string mail_from = "<" + options.from + ">";
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   options.startTls == StartTls::required        ? CURLUSESSL_ALL
                   : options.startTls == StartTls::opportunistic ? CURLUSESSL_TRY
                                                                 : CURLUSESSL_NONE);
  if (!options.caFile.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.caFile.c_str());
  if (!options.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options.password.c_str());
  }
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    long reply = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply);
    return Status::Unavailable("SMTP " + options.url + ": " + curl_easy_strerror(code) +
                               (reply != 0 ? " (server reply " + std::to_string(reply) + ")" : ""));
  }
  return Status::Ok();
}

Result<long> HttpPost(const HttpPostRequest& request) {
  GlobalInit();
  Easy curl(curl_easy_init());
  if (!curl) return Status::Internal("libcurl could not start a transfer");
  List headers;
  for (const std::string& header : request.headers) headers = Append(std::move(headers), header);
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  // A receiver's redirect is not followed: the signed body is for the URL configured.
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  if (!request.caFile.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, request.caFile.c_str());
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    return Status::Unavailable("POST " + request.url + ": " + curl_easy_strerror(code));
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

}  // namespace idguard
