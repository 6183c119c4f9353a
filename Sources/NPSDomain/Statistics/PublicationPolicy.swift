/// NPS_PRIVACY_RELEASE: when a campaign's figures are published.
///
/// Differencing over time: read models move with every projected batch,
/// and votes arrive workspace by workspace, so an analyst who reads the
/// summary before and after one workspace's upload learns that upload's
/// scores as a difference, however the answer itself is suppressed. Under
/// `closed`, a campaign shows counts only until it is closed (`campaigns
/// close`), then everything the rule allows, once: there is no earlier
/// figure to subtract. The cost is freshness: nothing but counts while the
/// campaign runs and until an operator closes it. A vote projected after
/// the close (a late upload) still moves the figures, so close a campaign
/// once its workspaces' uploads are in.
public enum PublicationPolicy: String, Sendable, CaseIterable {
    /// Figures follow every projected vote.
    case live
    /// A campaign's figures are published once it is closed.
    case closed

    public func isReleased(_ campaign: Campaign) -> Bool {
        switch self {
        case .live: true
        case .closed: campaign.closedAt != nil
        }
    }
}
