/// The dashboard's panes, in Tab order; a pane's number key is its position plus one.
public enum Pane: Int, CaseIterable, Sendable {
    case topics, partitions, offsets, send, tail, groups, brokers, configs

    public var title: String {
        switch self {
        case .topics: return "Topics"
        case .partitions: return "Partitions"
        case .offsets: return "Offsets"
        case .send: return "Send"
        case .tail: return "Tail"
        case .groups: return "Groups"
        case .brokers: return "Brokers"
        case .configs: return "Config"
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
        case .groups: return "Grp"
        case .brokers: return "Brk"
        case .configs: return "Cfg"
        }
    }

    public var keyContext: KeyContext {
        switch self {
        case .topics: return .topics
        case .partitions: return .partitions
        case .offsets: return .offsets
        case .send: return .send
        case .tail: return .tail
        case .groups: return .groups
        case .brokers: return .brokers
        case .configs: return .configs
        }
    }

    /// The views that take turns in the top-right slot; it shows whichever was focused last.
    public var sharesSlotWithPartitions: Bool {
        switch self {
        case .partitions, .offsets, .groups, .brokers, .configs: return true
        case .topics, .send, .tail: return false
        }
    }
}
