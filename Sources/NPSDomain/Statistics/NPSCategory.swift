/// The three groups NPS is built from. A score outside 0...10 belongs to none of
/// them, and such a vote is left out of n rather than counted as a detractor.
public enum NPSCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case promoter
    case passive
    case detractor

    public init?(score: Int) {
        switch score {
        case 0...6: self = .detractor
        case 7...8: self = .passive
        case 9...10: self = .promoter
        default: return nil
        }
    }

    /// The scores that fall into this category.
    public var scores: ClosedRange<Int> {
        switch self {
        case .detractor: 0...6
        case .passive: 7...8
        case .promoter: 9...10
        }
    }
}
