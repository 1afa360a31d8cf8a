// Names the calling thread as the operating system shows it (top -H, ps -L, perf, gdb), so an
// operator can tell the HTTP threads from the evaluation writer when one of them is busy.
#pragma once

#include <string>
#include <string_view>

namespace idguard {

// Linux keeps at most 15 characters; a longer name is cut to its first 15. Failures are ignored:
// a name is a diagnostic, never a reason to stop.
void NameThisThread(std::string_view name);

// The calling thread's name as the operating system holds it ("" when it cannot be read).
std::string CurrentThreadName();

}  // namespace idguard
