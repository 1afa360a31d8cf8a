#include <sqlite3.h>

#include "idguard/store/notification_outbox.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_statement.h"

namespace idguard {
namespace {

using sqlite::SqliteDatabase;
using sqlite::SqliteStatement;

// The engine's writes hold the store's write lock for up to a few hundred milliseconds under
// load; a removal waits for them rather than failing.
constexpr int kBusyTimeoutMs = 5000;

class SqliteNotificationOutbox final : public NotificationOutbox {
 public:
  SqliteNotificationOutbox(SqliteDatabase db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Status Prepare() {
    const std::pair<SqliteStatement*, const char*> statements[] = {
        {&select_,
         "SELECT sequence, channel, event_id, json FROM notification_outbox "
         "ORDER BY sequence"},
        {&remove_, "DELETE FROM notification_outbox WHERE channel = ?1 AND sequence <= ?2"},
        {&removeChannel_, "DELETE FROM notification_outbox WHERE channel = ?1"},
    };
    for (const auto& [statement, sql] : statements) {
      auto prepared = SqliteStatement::Prepare(db_.get(), sql);
      if (!prepared.ok()) return prepared.status().WithContext(path_);
      *statement = std::move(prepared).value();
    }
    return Status::Ok();
  }

  Status ForEach(const std::function<void(OutboxEvent&& event)>& visit) override {
    Status status = sqlite::ForEachRow(select_, [&] {
      OutboxEvent event;
      event.sequence = select_.ColumnInt(0);
      event.channel = std::string(select_.ColumnText(1));
      event.eventId = std::string(select_.ColumnText(2));
      event.json = std::string(select_.ColumnText(3));
      visit(std::move(event));
      return Status::Ok();
    });
    return status.ok() ? status : status.WithContext(path_);
  }

  Status Remove(std::string_view channel, std::int64_t through) override {
    remove_.BindText(1, channel);
    remove_.BindInt(2, through);
    Status status = remove_.Run();
    return status.ok() ? status : status.WithContext(path_);
  }

  Status RemoveChannel(std::string_view channel) override {
    removeChannel_.BindText(1, channel);
    Status status = removeChannel_.Run();
    return status.ok() ? status : status.WithContext(path_);
  }

 private:
  // Declared first so it is destroyed last; statements finalize before the connection closes.
  SqliteDatabase db_;
  std::string path_;
  SqliteStatement select_, remove_, removeChannel_;
};

}  // namespace

Result<std::unique_ptr<NotificationOutbox>> OpenSqliteNotificationOutbox(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite::OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, &raw);
  SqliteDatabase db(raw);
  if (rc != SQLITE_OK) {
    return sqlite::StatusFromSqlite(raw, rc, "opening " + path + " for the webhook outbox");
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  if (Status current = sqlite::RequireCurrentSchema(db, path); !current.ok()) return current;
  auto outbox = std::make_unique<SqliteNotificationOutbox>(std::move(db), path);
  if (Status prepared = outbox->Prepare(); !prepared.ok()) return prepared;
  return std::unique_ptr<NotificationOutbox>(std::move(outbox));
}

}  // namespace idguard
