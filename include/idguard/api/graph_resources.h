// The filterable properties of the Graph resources idguard serves, mapped to the store's columns
// (schema in src/store/sqlite/sqlite_schema.cc). Used by the list calls for $filter and $orderby.
#pragma once

#include "idguard/api/odata_filter.h"

namespace idguard::odata {

const ResourceSpec& RiskyUserResource();              // /identityProtection/riskyUsers
const ResourceSpec& RiskDetectionResource();          // /identityProtection/riskDetections
const ResourceSpec& SignInResource();                 // /auditLogs/signIns
const ResourceSpec& RiskyUserHistoryResource();       // /identityProtection/riskyUsers/{id}/history
const ResourceSpec& DirectoryAuditResource();         // /auditLogs/directoryAudits
const ResourceSpec& RiskyServicePrincipalResource();  // /identityProtection/riskyServicePrincipals
const ResourceSpec& ServicePrincipalHistoryResource();  // .../riskyServicePrincipals/{id}/history
const ResourceSpec& ServicePrincipalRiskDetectionResource();  // .../servicePrincipalRiskDetections

}  // namespace idguard::odata
