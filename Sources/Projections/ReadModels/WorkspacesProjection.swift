extension SQLProjection {
    /// The workspace directory: registration, last statistics, current NPS
    /// setting.
    ///
    /// Folded by `schema/functions/project_workspaces.sql` with its helper
    /// `jsonb_count.sql`: a change to either needs a new `version` (FoldVersionTests).
    public static let workspaces = SQLProjection(
        name: "workspaces",
        // 2: statistics facts from WorkspaceProfileChanged as well as StatisticsReported.
        version: 2,
        function: "project_workspaces",
        tables: ["workspaces"]
    )
}
