/// Why a post or a user is reported: the codes clients send (`openapi.yaml`'s `ReportReason`
/// lists the same) and `reports.reason` stores.
public enum ReportReason: String, Codable, Sendable, CaseIterable {
    case spam
    case harassment
    case hate
    case violence
    case nudity
    case selfHarm = "self_harm"
    case illegal
    case other
}
