/// Every read model of the collector. Each has its own checkpoint and owner,
/// so they run side by side, on one process or several, and one that halts
/// does not hold up the others.
public enum ProjectionCatalog {
    public static let all: [any Projection] = [SQLProjection.votes, SQLProjection.campaigns, SQLProjection.workspaces]

    public static func named(_ name: String) -> (any Projection)? {
        all.first { $0.name == name }
    }
}
