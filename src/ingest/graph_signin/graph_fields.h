// Reading the Graph signIn object's fields from a simdjson On-Demand object. Shared by the
// Graph sign-in parser and the diagnostic-settings parser (whose `properties` is a signIn).
#pragma once

#include <simdjson.h>

#include <functional>
#include <string>
#include <string_view>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard::graph_fields {

// Reads every known field of a signIn object into `sign_in`; unknown fields are skipped.
// The error names the field and what was wrong with it. An id or createdDateTime already in
// `sign_in` stands when the object has none.
Status ReadSignInObject(simdjson::ondemand::object object, SignIn& sign_in);

// The same, handing each member that is not a signIn field to `other`, in the same pass (an
// evaluate request's own members); an error it returns stops the read.
using OtherMember = std::function<Status(std::string_view key, simdjson::ondemand::value value)>;
Status ReadSignInObject(simdjson::ondemand::object object, SignIn& sign_in,
                        const OtherMember& other);

// Checks the fields every sign-in needs: id, createdDateTime, and a user or service principal.
Status CheckRequired(const SignIn& sign_in, bool has_created_date_time);

// "field <field>: <why>", the shape every record parser's field errors take.
Status FieldError(std::string_view field, std::string_view why);

// Reads a string member that may be null (→ empty).
Status ReadString(simdjson::ondemand::value value, std::string_view field, std::string& out);

// Reads a Graph signInLocation object (city, state, countryOrRegion, geoCoordinates).
Status ReadLocation(simdjson::ondemand::value value, SignInLocation& location);

}  // namespace idguard::graph_fields
