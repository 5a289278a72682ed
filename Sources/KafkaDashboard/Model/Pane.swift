/// The dashboard's panes, in Tab order.
public enum Pane: Int, CaseIterable, Sendable {
    case topics, partitions, offsets, send, tail

    public var title: String {
        switch self {
        case .topics: return "Topics"
        case .partitions: return "Partitions"
        case .offsets: return "Offsets"
        case .send: return "Send"
        case .tail: return "Tail"
        }
    }

    /// For the stacked layout's tab strip when the full titles do not fit.
    public var shortTitle: String {
        switch self {
        case .topics: return "Top"
        case .partitions: return "Part"
        case .offsets: return "Offs"
        case .send: return "Send"
        case .tail: return "Tail"
        }
    }

    public var keyContext: KeyContext {
        switch self {
        case .topics: return .topics
        case .partitions: return .partitions
        case .offsets: return .offsets
        case .send: return .send
        case .tail: return .tail
        }
    }

    /// Partitions and offsets share one slot on screen; the slot shows whichever was focused last.
    public var sharesSlotWithPartitions: Bool { self == .partitions || self == .offsets }
}
