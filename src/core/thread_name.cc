#include "idguard/core/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>

namespace idguard {
namespace {
// The kernel's TASK_COMM_LEN, with the terminating zero.
constexpr std::size_t kThreadNameCapacity = 16;
}  // namespace

void NameThisThread(std::string_view name) {
  std::array<char, kThreadNameCapacity> buffer{};
  const std::size_t length = std::min(name.size(), buffer.size() - 1);
  name.copy(buffer.data(), length);
  (void)pthread_setname_np(pthread_self(), buffer.data());
}

std::string CurrentThreadName() {
  std::array<char, kThreadNameCapacity> buffer{};
  if (pthread_getname_np(pthread_self(), buffer.data(), buffer.size()) != 0) return {};
  return std::string(buffer.data());
}

}  // namespace idguard
