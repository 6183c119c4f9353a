extension SQLProjection {
    /// The counts of the current deduplicated votes per score: per campaign,
    /// per role, and per day for the trend; and per workspace and role set,
    /// with promoters and detractors (the voter groups the privacy rule
    /// decides from); per workspace, its voters, categories and the total it
    /// reported (the workspace page's order), and the funnel's counts that
    /// follow from them.
    /// Folded in two shards by workspace, which run in parallel: this is the
    /// read model every vote passes through.
    ///
    /// Folded by `schema/functions/project_votes.sql` with its helpers
    /// `vote_cast_roles_v2.sql`, `sorted_role_set.sql`, `profile_segments.sql`
    /// (with `jsonb_count.sql`) and `segment_values.sql`: a change to any of them needs a new `version`
    /// (FoldVersionTests).
    public static let votes = SQLProjection.shards(
        2,
        name: "votes",
        // 2: roles as a set (VoteCast version 2, version 1 upcast in the fold).
        // 3: voter_groups, the counts the privacy rule and the workspace breakdown read,
        //    in place of workspace_campaign_scores.
        // 4: VoteCast version 3, its campaign and workspace read from the stream id.
        // 5: the funnel's vote side kept by the fold (workspace_reports, campaign_voting).
        // 6: each workspace's voters and categories (workspace_tallies, in place of workspace_reports).
        // 7: VoteCast version 4 folded by adding and subtracting (what a change replaced is in the
        //    event); current_votes keeps the keys of versions 1 to 3 only, and the vote list reads
        //    listed_votes. (The funnel's before read from the tallies' upsert, 0100, computes the
        //    same tables and kept version 7.)
        // 8: each voter group says whether its workspace holds another (has_siblings, 0101), which
        //    a vote page reads to settle the roles no published record can hide.
        // 9: the profile each workspace's votes count under in a campaign, and the counts per segment
        //    that a breakdown by segment sums (campaign_workspace_profiles, segment_tallies, 0102).
        version: 9,
        function: "project_votes",
        tables: [
            "current_votes", "campaign_scores", "campaign_role_scores", "campaign_daily_scores", "voter_groups",
            "workspace_tallies", "campaign_voting", "campaign_workspace_profiles", "segment_tallies",
        ],
        // What each upsert replaced, for the counts and the funnel, and how many batches moved a
        // campaign (for the privacy rule's cache): they depend on where batches began and ended.
        bookkeepingColumns: [
            "current_votes": ["replaced_score", "replaced_roles", "replaced_at"],
            "workspace_tallies": ["voters_before", "reported_total_before"], "campaign_voting": ["batches"],
        ]
    )
}
