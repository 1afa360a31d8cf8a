#include <iterator>
#include <utility>
#include <vector>

#include "idguard/store/risk_store.h"

namespace idguard {
namespace {

template <typename Row>
void MoveAppend(std::vector<Row>& to, std::vector<Row>& from) {
  if (to.empty()) {
    to = std::move(from);
  } else {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  from.clear();
}

}  // namespace

void StoreBatch::Append(StoreBatch&& other) {
  MoveAppend(signIns, other.signIns);
  MoveAppend(signInUpdates, other.signInUpdates);
  MoveAppend(audit, other.audit);
  MoveAppend(apiTokens, other.apiTokens);
  MoveAppend(revokedApiTokenIds, other.revokedApiTokenIds);
  MoveAppend(accounts, other.accounts);
  MoveAppend(configDocuments, other.configDocuments);
  MoveAppend(deletedConfigDocuments, other.deletedConfigDocuments);
  MoveAppend(evaluations, other.evaluations);
  MoveAppend(detections, other.detections);
  MoveAppend(riskyUsers, other.riskyUsers);
  MoveAppend(history, other.history);
  MoveAppend(riskyServicePrincipals, other.riskyServicePrincipals);
  MoveAppend(servicePrincipalHistory, other.servicePrincipalHistory);
  MoveAppend(profiles, other.profiles);
  MoveAppend(state, other.state);
  MoveAppend(outbox, other.outbox);
  profileCheckpoint = profileCheckpoint || other.profileCheckpoint;
  other.profileCheckpoint = false;
}

}  // namespace idguard
