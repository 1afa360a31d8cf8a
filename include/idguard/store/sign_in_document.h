// The stored form of a sign-in: every field of the SignIn model in a compact binary layout
// (length-prefixed strings and varints behind a format byte). It is about a third of the sign-in's
// Graph JSON, which is mostly member names and nulls, and the store writes a million of them per
// replay; readers decode it and serialize whatever shape they answer in (Graph JSON, CSV, a
// $select projection).
#pragma once

#include <string>
#include <string_view>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard {

// Appends the encoded sign-in to `out`.
void EncodeSignInDocument(const SignIn& sign_in, std::string& out);

// Decodes a document written by EncodeSignInDocument. A truncated or corrupt document, or one in
// an unknown format, is an error that says which part could not be read.
Result<SignIn> DecodeSignInDocument(std::string_view document);

}  // namespace idguard
