#include "pipeline/sign_in_emitter.h"

#include <utility>

#include "idguard/export/graph_json.h"

namespace idguard {

Status SignInEmitter::Emit(SignInChunk& chunk) {
  for (SignIn& sign_in : chunk.signIns) {
    json_.clear();
    AppendSignInJson(json_, sign_in);
    signInsOut_.WriteLine(json_);
    if (storeWriter_ != nullptr) batch_.signIns.push_back(StoredSignIn::From(std::move(sign_in)));
  }
  if (recycler_ != nullptr) recycler_->Give(std::move(chunk.signIns));
  if (storeWriter_ == nullptr) return Status::Ok();
  batch_.Append(std::move(chunk.batchPart));
  if (!chunk.endsBatch) return Status::Ok();
  Status submitted = storeWriter_->Submit(std::move(batch_));
  batch_ = StoreBatch{};
  return submitted;
}

}  // namespace idguard
