extension SQLProjection {
    /// The campaigns, each workspace's way through each campaign (notified,
    /// shown, voted, uploads and the total it reported) and the history of NPS
    /// settings, from which the funnel is read.
    ///
    /// Folded by `schema/functions/project_campaigns.sql`: a change to it
    /// needs a new `version` (FoldVersionTests).
    public static let campaigns = SQLProjection(
        name: "campaigns",
        // 2: the funnel's reach kept by the fold (campaign_reach). 3: the opt-out decision probes each
        // pair by its key (the same rows, a plan that does not grow with a campaign's workspaces).
        version: 3,
        function: "project_campaigns",
        tables: ["campaigns", "workspace_campaigns", "campaign_reach", "setting_changes"]
    )
}
