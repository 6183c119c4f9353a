extension SQLProjection {
    /// The workspace directory: registration, last statistics, current NPS
    /// setting. Fold: `schema/0025_project_workspaces.sql`.
    public static let workspaces = SQLProjection(
        name: "workspaces",
        version: 1,
        function: "project_workspaces",
        tables: ["workspaces"]
    )
}
