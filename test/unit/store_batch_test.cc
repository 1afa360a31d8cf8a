// StoreBatch::Append gathers a batch from parts (the replay's emitter does): every kind of record
// moves over, after the ones already there.
#include <gtest/gtest.h>

#include "idguard/store/risk_store.h"

namespace idguard {
namespace {

// A batch with `n` records of every kind; each detection's id names the batch it came from.
StoreBatch BatchOfEveryKind(std::size_t n, const std::string& label) {
  StoreBatch batch;
  batch.signIns.resize(n);
  batch.signInUpdates.resize(n);
  batch.audit.resize(n);
  batch.apiTokens.resize(n);
  batch.revokedApiTokenIds.resize(n);
  batch.accounts.resize(n);
  batch.configDocuments.resize(n);
  batch.deletedConfigDocuments.resize(n);
  batch.evaluations.resize(n);
  batch.detections.resize(n);
  for (auto& detection : batch.detections) detection.detection.id = label;
  batch.riskyUsers.resize(n);
  batch.history.resize(n);
  batch.riskyServicePrincipals.resize(n);
  batch.servicePrincipalHistory.resize(n);
  batch.profiles.resize(n);
  batch.state.resize(n);
  batch.outbox.resize(n);
  return batch;
}

TEST(StoreBatchTest, AppendMovesEveryKindOfRecordAfterTheOnesThere) {
  StoreBatch gathered = BatchOfEveryKind(1, "first");
  StoreBatch part = BatchOfEveryKind(2, "second");
  part.profileCheckpoint = true;
  gathered.Append(std::move(part));

  // Append leaves the part empty by contract, so reading it after the move is the point.
  // NOLINTNEXTLINE(bugprone-use-after-move)
  EXPECT_TRUE(part.empty()) << "a kind of record was left behind";
  EXPECT_FALSE(part.profileCheckpoint);
  EXPECT_TRUE(gathered.profileCheckpoint);
  const std::size_t sizes[] = {gathered.signIns.size(),
                               gathered.signInUpdates.size(),
                               gathered.audit.size(),
                               gathered.apiTokens.size(),
                               gathered.revokedApiTokenIds.size(),
                               gathered.accounts.size(),
                               gathered.configDocuments.size(),
                               gathered.deletedConfigDocuments.size(),
                               gathered.evaluations.size(),
                               gathered.detections.size(),
                               gathered.riskyUsers.size(),
                               gathered.history.size(),
                               gathered.riskyServicePrincipals.size(),
                               gathered.servicePrincipalHistory.size(),
                               gathered.profiles.size(),
                               gathered.state.size(),
                               gathered.outbox.size()};
  for (std::size_t size : sizes) EXPECT_EQ(size, 3U);
  ASSERT_EQ(gathered.detections.size(), 3U);
  EXPECT_EQ(gathered.detections[0].detection.id, "first");
  EXPECT_EQ(gathered.detections[2].detection.id, "second");
}

TEST(StoreBatchTest, AppendIntoAnEmptyBatchTakesThePartWhole) {
  StoreBatch gathered;
  gathered.Append(BatchOfEveryKind(2, "only"));
  EXPECT_EQ(gathered.riskyServicePrincipals.size(), 2U);
  EXPECT_EQ(gathered.servicePrincipalHistory.size(), 2U);
  EXPECT_FALSE(gathered.profileCheckpoint);
  StoreBatch nothing;
  gathered.Append(std::move(nothing));
  EXPECT_EQ(gathered.detections.size(), 2U);
}

}  // namespace
}  // namespace idguard
