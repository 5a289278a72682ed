/// Columns of the groups view. Every data column has its own sort key (pressing it again reverses).
public enum GroupColumn: Int, CaseIterable, Sendable {
    case name, state, protocolName, members, topics, lag, sparkline

    public var header: String {
        switch self {
        case .name: return "Group"
        case .state: return "State"
        case .protocolName: return "Protocol"
        case .members: return "Mem"
        case .topics: return "Topics"
        case .lag: return "Lag"
        case .sparkline: return "Lag 60s"
        }
    }

    public var helpName: String {
        switch self {
        case .name: return "group id"
        case .state: return "state"
        case .protocolName: return "protocol"
        case .members: return "members"
        case .topics: return "topics"
        case .lag: return "total lag"
        case .sparkline: return "lag history"
        }
    }

    /// Upper-case, like the partition sort keys, so they never collide with navigation keys.
    public var sortKey: Character? {
        switch self {
        case .name: return "N"
        case .state: return "S"
        case .protocolName: return "P"
        case .members: return "M"
        case .topics: return "T"
        case .lag: return "L"
        case .sparkline: return nil
        }
    }

    /// Counts start with the largest (most lagging group first), names with A.
    public var sortsDescendingFirst: Bool {
        switch self {
        case .members, .lag, .sparkline: return true
        case .name, .state, .protocolName, .topics: return false
        }
    }
}

/// How the groups view is sorted.
public struct GroupSort: Equatable, Sendable {
    public var column: GroupColumn
    public var descending: Bool

    public init(column: GroupColumn = .name, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}
