// The Graph resources the portal shows (docs/API.md), with the members it reads.

export type RiskLevel = "low" | "medium" | "high" | "hidden" | "none" | "unknownFutureValue";

export interface GeoCoordinates {
  latitude?: number | null;
  longitude?: number | null;
}

export interface SignInLocation {
  city?: string | null;
  state?: string | null;
  countryOrRegion?: string | null;
  geoCoordinates?: GeoCoordinates | null;
}

export interface RiskyUser {
  id: string;
  userPrincipalName: string;
  userDisplayName: string;
  riskLevel: RiskLevel;
  riskState: string;
  riskDetail: string;
  riskLastUpdatedDateTime: string;
  isDeleted?: boolean;
  isProcessing?: boolean;
}

export interface RiskyUserHistoryItem extends RiskyUser {
  userId: string;
  initiatedBy?: string | null;
  activity?: { eventTypes?: string[]; riskEventTypes?: string[]; detail?: string };
}

export interface RiskDetection {
  id: string;
  requestId?: string | null;
  correlationId?: string | null;
  riskEventType: string;
  riskType?: string;
  riskLevel: RiskLevel;
  riskState: string;
  riskDetail: string;
  source?: string;
  detectionTimingType: string;
  activity: string;
  ipAddress?: string | null;
  location?: SignInLocation | null;
  activityDateTime: string;
  detectedDateTime: string;
  lastUpdatedDateTime: string;
  userId: string;
  userDisplayName?: string;
  userPrincipalName?: string;
  additionalInfo?: string | null;
}

export interface AppliedPolicy {
  id: string;
  displayName: string;
  result: string;
  enforcedGrantControls?: string[];
}

export interface SignIn {
  id: string;
  createdDateTime: string;
  userId: string;
  userPrincipalName: string;
  userDisplayName?: string;
  appId?: string;
  appDisplayName?: string;
  ipAddress?: string;
  clientAppUsed?: string;
  isInteractive?: boolean;
  riskLevelDuringSignIn: RiskLevel;
  riskLevelAggregated: RiskLevel;
  riskState: string;
  riskDetail: string;
  riskEventTypes_v2?: string[];
  status?: { errorCode?: number; failureReason?: string | null };
  location?: SignInLocation | null;
  deviceDetail?: {
    deviceId?: string;
    displayName?: string;
    operatingSystem?: string;
    browser?: string;
    isCompliant?: boolean;
    isManaged?: boolean;
    trustType?: string;
  } | null;
  authenticationRequirement?: string;
  mfaDetail?: { authMethod?: string | null; authDetail?: string | null } | null;
  conditionalAccessStatus?: string;
  appliedConditionalAccessPolicies?: AppliedPolicy[];
  userAgent?: string;
}

export interface RiskyServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType?: string;
  riskLevel: RiskLevel;
  riskState: string;
  riskDetail: string;
  riskLastUpdatedDateTime: string;
  isEnabled?: boolean;
}

export interface DirectoryAudit {
  id: string;
  category: string;
  activityDisplayName: string;
  activityDateTime: string;
  result: string;
  resultReason?: string;
  correlationId?: string;
  initiatedBy?: { user?: { userPrincipalName?: string; displayName?: string } | null; app?: { displayName?: string } | null };
  targetResources?: { id: string; type?: string; displayName?: string; modifiedProperties?: { displayName: string; oldValue?: string; newValue?: string }[] }[];
}

export interface Overview {
  from: string;
  to: string;
  riskyUsers: LevelCounts;
  riskySignIns: LevelCounts;
  riskDetections: LevelCounts;
  detectionsByDay: ({ date: string } & LevelCounts)[];
  topRiskEventTypes: { riskEventType: string; count: number }[];
  riskySignInLocations: {
    latitude: number;
    longitude: number;
    city: string;
    countryOrRegion: string;
    riskySignIns: number;
    highestRiskLevel: RiskLevel;
  }[];
}

export interface LevelCounts {
  high: number;
  medium: number;
  low: number;
}
