// The OpenAPI 3 document of the API, generated from the route table so that it always lists
// exactly the routes the server answers, with the permission each needs.
#pragma once

#include <string>
#include <vector>

#include "api/router.h"

namespace idguard::api {

std::string BuildOpenApi(const std::vector<Route>& routes);

}  // namespace idguard::api
