/// A full-screen overlay above the panes.
public enum Overlay: Equatable, Sendable {
    case help(scroll: Int)
    /// The message with this scrollback sequence number, opened from the tail pane.
    case messageDetail(sequence: Int, scroll: Int)
    /// The group opened in the groups view (`GroupsState.detail`).
    case groupDetail
}

/// A one-line text field being typed into: a filter, a send-form field, a tail offset or time, a
/// search, or a file name.
public struct TextEntry: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case topicFilter
        case sendField(SendForm.Field)
        case tailOffset
        case tailTime
        case groupFilter
        case configFilter
        case tailSearch
        case savePath
    }

    public var purpose: Purpose
    public var text: String
    /// What Esc restores.
    public var original: String

    public init(purpose: Purpose, text: String) {
        self.purpose = purpose
        self.text = text
        self.original = text
    }

    public var prompt: String {
        switch purpose {
        case .topicFilter: return "Filter"
        case .sendField(let field): return field.label
        case .tailOffset: return "Tail from offset"
        case .tailTime: return "Tail from time (-5m, -2h, 2024-05-01T12:00:00Z, epoch ms)"
        case .groupFilter: return "Filter groups"
        case .configFilter: return "Filter configuration entries"
        case .tailSearch: return "Search (text, or ~regex)"
        case .savePath: return "Write messages to file"
        }
    }
}

/// The last message sent from the send pane, and its result once it arrives.
public struct SendStatus: Equatable, Sendable {
    public var request: SendRequest
    public var result: SendResult?
}

/// The whole screen model. Rendering is a pure function of this plus a theme; `DashboardReducer`
/// is the only thing that changes it.
public struct DashboardState: Sendable {
    public var nowMillis: Int64 = 0
    /// Local time zone offset used for the tail's time column (the model itself never reads a clock).
    public var utcOffsetSeconds = 0
    public var size: TerminalSize

    // Data, as last shown.
    public var cluster = ClusterSnapshot()
    public var clusterUpdatedAtMillis: Int64?
    public var producer = ProducerSnapshot()
    public var consumer = ConsumerSnapshot()
    public var groupID = ""
    public var groupOffsets: GroupOffsets?
    /// Data that arrived while paused, applied on resume.
    var pendingCluster: (ClusterSnapshot, Int64)?
    var pendingProducer: ProducerSnapshot?
    var pendingConsumer: ConsumerSnapshot?

    // View.
    public var focus: Pane = .topics
    /// Whether the shared partitions/offsets slot shows partitions or offsets.
    public var slotPane: Pane = .partitions
    public var zoomed = false
    public var paused = false
    public var overlay: Overlay?
    public var textEntry: TextEntry?
    public var topicFilter = ""
    public var showInternalTopics = false
    public var topicRows: [TopicRow] = []
    public var topicCursor = ListCursor()
    /// The topic the partitions, offsets and send panes are about (the one under the topics cursor).
    public var selectedTopic: String?
    public var partitionRows: [PartitionRow] = []
    public var partitionCursor = ListCursor()
    public var partitionSort = PartitionSort()
    public var offsetsCursor = ListCursor()
    public var sendForm = SendForm()
    public var lastSend: SendStatus?
    public var nextRequestID = 1
    public var loadGenerator: LoadGeneratorSettings?
    /// Profile, TLS and SASL for the header; `readOnly` gates the send pane and load generator.
    public var connection = ConnectionIdentity()
    public var tail: TailState
    public var nextTailGeneration = 1
    public var history = RateHistory()
    /// The open message's lines, formatted once when it is opened or its value format changes.
    public var detailLines: [StyledLine] = []
    public var groups = GroupsState()
    public var brokers = BrokersState()
    public var configs = ConfigState()
    /// The offsets view's group chooser, while open.
    public var picker: GroupPicker?
    /// An admin action being asked for, while open.
    public var dialog: AdminDialog?
    /// No changes to the cluster: admin actions, test sends and the load generator say so and do nothing.
    public var readOnly = false
    /// Why it is read-only, for the message (`--read-only`, a read-only profile).
    public var readOnlyReason = "--read-only"

    // Status line.
    public var status: StatusEvent?
    public var statusErrorCount = 0

    public init(size: TerminalSize, tailCapacity: Int = 10_000, tailDisplayBudgetPerSecond: Int = 500) {
        self.size = size
        self.tail = TailState(capacity: tailCapacity, displayBudgetPerSecond: tailDisplayBudgetPerSecond)
    }

    public var selectedTopicMetadata: ClusterSnapshot.Topic? {
        guard let selectedTopic else { return nil }
        return cluster.topics.first { $0.name == selectedTopic }
    }

    public var selectedPartitionRow: PartitionRow? {
        partitionRows.indices.contains(partitionCursor.selected) ? partitionRows[partitionCursor.selected] : nil
    }

    /// The key context keys are looked up in: typing first, then an overlay, then the focused pane.
    public var keyContext: KeyContext {
        if textEntry != nil { return .textEntry }
        if let dialog { return dialog.stage == .editing ? .dialog : .confirm }
        if picker != nil { return .picker }
        switch overlay {
        case .help: return .help
        case .messageDetail: return .messageDetail
        case .groupDetail: return .groupDetail
        case nil: return focus.keyContext
        }
    }

    /// Every error the header counts: the client's own plus those reported as status events.
    public var errorCount: Int64 {
        producer.errorCount + consumer.errorCount + Int64(statusErrorCount)
    }
}
