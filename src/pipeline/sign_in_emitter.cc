#include "pipeline/sign_in_emitter.h"

#include <iterator>
#include <utility>

#include "idguard/export/graph_json.h"

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

Status SignInEmitter::Emit(SignInChunk& chunk) {
  for (SignIn& sign_in : chunk.signIns) {
    json_.clear();
    AppendSignInJson(json_, sign_in);
    signInsOut_.WriteLine(json_);
    if (storeWriter_ != nullptr) batch_.signIns.push_back(StoredSignIn::From(std::move(sign_in)));
  }
  if (recycler_ != nullptr) recycler_->Give(std::move(chunk.signIns));
  if (storeWriter_ == nullptr) return Status::Ok();
  StoreBatch& part = chunk.batchPart;
  MoveAppend(batch_.detections, part.detections);
  MoveAppend(batch_.history, part.history);
  MoveAppend(batch_.riskyUsers, part.riskyUsers);
  MoveAppend(batch_.servicePrincipalHistory, part.servicePrincipalHistory);
  MoveAppend(batch_.riskyServicePrincipals, part.riskyServicePrincipals);
  MoveAppend(batch_.profiles, part.profiles);
  MoveAppend(batch_.state, part.state);
  batch_.profileCheckpoint = batch_.profileCheckpoint || part.profileCheckpoint;
  if (!chunk.endsBatch) return Status::Ok();
  Status submitted = storeWriter_->Submit(std::move(batch_));
  batch_ = StoreBatch{};
  return submitted;
}

}  // namespace idguard
