import NPSDomain

extension WorkspaceDisclosure {
    /// The fewest votes of a published workspace, as `workspace_is_published`
    /// takes it: no number at all while the total is withheld.
    var publishedFrom: Int64 {
        isTotalPublished ? Int64(threshold.k) : .max
    }
}
