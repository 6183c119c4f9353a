/// Every read model of the collector and the projections (shards) that fold
/// them. Each projection has its own checkpoint and owner, so they run side
/// by side, on one process or several, and one that halts does not hold up
/// the others.
public enum ProjectionCatalog {
    public static let all: [any Projection] = SQLProjection.votes + [SQLProjection.campaigns, SQLProjection.workspaces]

    /// The names of the read models, in catalog order.
    public static var readModels: [String] {
        all.reduce(into: [String]()) { names, projection in
            if !names.contains(projection.readModel) { names.append(projection.readModel) }
        }
    }

    /// The projections that fold the read model `name`; empty for an unknown name.
    public static func projections(of readModel: String) -> [any Projection] {
        all.filter { $0.readModel == readModel }
    }

    /// The tables of the read model `name` (which its shards share), in the order its folds write them.
    public static func tables(of readModel: String) -> [String] {
        projections(of: readModel).reduce(into: [String]()) { tables, projection in
            for table in projection.tables where !tables.contains(table) { tables.append(table) }
        }
    }
}
