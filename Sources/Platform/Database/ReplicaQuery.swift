/// The read replica's named SQL statements, from `Database/ReplicaQueries`.
enum ReplicaQuery: String, NamedQuery {
    case primaryWALPosition = "PrimaryWALPosition"
    case replicaWALPositions = "ReplicaWALPositions"

    static let catalog = QueryCatalog(folder: "ReplicaQueries")
}
