extension SQLProjection {
    /// Current deduplicated votes and their counts per score: per campaign,
    /// per workspace and campaign, per role, and per day for the trend.
    /// Folded in two shards by workspace, which run in parallel: this is the
    /// read model every vote passes through. Fold: `schema/0019_project_votes.sql`.
    public static let votes = SQLProjection.shards(
        2,
        name: "votes",
        version: 1,
        function: "project_votes",
        tables: [
            "current_votes", "campaign_scores", "workspace_campaign_scores", "campaign_role_scores",
            "campaign_daily_scores",
        ]
    )
}
