// SignInEmitter: the replay's output stage. It receives processed sign-ins in chunks, in event-time
// order, writes each as a Graph signIn line of signIns.ndjson, and (with a store) turns it into a
// stored sign-in and gathers store batches: a batch is closed and handed to the store writer
// when a chunk marks its end, so the engine thread decides batch boundaries and the state that
// goes with them. Running this on its own thread takes serialization and file writes, about a
// third of the work per sign-in, off the engine thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "idguard/core/sign_in.h"
#include "idguard/store/risk_store.h"
#include "pipeline/output_file.h"
#include "pipeline/sign_in_recycler.h"
#include "pipeline/worker_thread.h"

namespace idguard {

struct SignInChunk {
  std::vector<SignIn> signIns;
  // What the engine produced along with these sign-ins (detections, history, and at the end of a
  // batch the changed risky users, profiles and state); empty without a store.
  StoreBatch batchPart;
  bool endsBatch = false;  // hand the gathered batch to the store writer after this chunk
};

class SignInEmitter {
 public:
  // `store_writer` may be null (no persistence); so may `recycler` (the chunks' sign-ins are
  // then freed here).
  SignInEmitter(OutputFile& sign_ins_out, WorkerThread<StoreBatch>* store_writer,
                SignInRecycler* recycler = nullptr)
      : signInsOut_(sign_ins_out), storeWriter_(store_writer), recycler_(recycler) {}
  Status Emit(SignInChunk& chunk);

 private:
  OutputFile& signInsOut_;
  WorkerThread<StoreBatch>* storeWriter_;
  SignInRecycler* recycler_;
  StoreBatch batch_;
  std::string json_;  // reused line buffer
};

}  // namespace idguard
