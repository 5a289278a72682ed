/// A change to the cluster being asked for: a small form, then a confirmation (or, for a reset, the
/// dry run to confirm), then the wait for its outcome. Nothing reaches the cluster before the user
/// confirmed; deleting a topic is confirmed by typing its name.
public struct AdminDialog: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case createTopic
        case deleteTopic(String)
        case addPartitions(topic: String, current: Int)
        case resetOffsets(group: String)
    }

    public struct Field: Sendable, Equatable {
        public var label: String
        public var text: String
        /// For a choice field: what Left and Right cycle through (`text` is one of them).
        public var choices: [String]?
        /// A short explanation shown beside the field.
        public var note: String

        init(_ label: String, _ text: String = "", choices: [String]? = nil, note: String = "") {
            self.label = label
            self.text = text
            self.choices = choices
            self.note = note
        }
    }

    public enum Stage: Sendable, Equatable {
        case editing
        /// The change, spelled out, waiting for y.
        case confirming(AdminAction, lines: [String])
        /// Sent; waiting for the outcome.
        case working(String)
    }

    public var kind: Kind
    public var fields: [Field]
    public var selected = 0
    public var stage: Stage = .editing
    public var scroll = 0
    /// Why the form cannot go on yet (a bad number, a name that does not match).
    public var problem: String?

    public var title: String {
        switch kind {
        case .createTopic: return "Create topic"
        case .deleteTopic(let topic): return "Delete topic \(topic)"
        case .addPartitions(let topic, _): return "Add partitions to \(topic)"
        case .resetOffsets(let group): return "Reset offsets of group \(group)"
        }
    }

    static func createTopic() -> AdminDialog {
        AdminDialog(kind: .createTopic, fields: [
            Field("Name", note: "a-z A-Z 0-9 . _ -"),
            Field("Partitions", note: "empty: the broker's default"),
            Field("Replication", note: "empty: the broker's default"),
            Field("Configs", note: "name=value, comma separated"),
        ])
    }

    static func deleteTopic(_ topic: String) -> AdminDialog {
        AdminDialog(kind: .deleteTopic(topic), fields: [Field("Type the topic's name to delete it")])
    }

    static func addPartitions(_ topic: String, current: Int) -> AdminDialog {
        AdminDialog(kind: .addPartitions(topic: topic, current: current), fields: [
            Field("New partition count", String(current + 1), note: "now \(current); partitions cannot be removed"),
        ])
    }

    static let resetModes = ["earliest", "latest", "timestamp", "offset"]

    static func resetOffsets(group: String, topic: String?) -> AdminDialog {
        AdminDialog(kind: .resetOffsets(group: group), fields: [
            Field("Topic", topic ?? "", note: "empty: every topic the group committed on"),
            Field("Reset to", "earliest", choices: resetModes, note: "Left/Right"),
            Field("Time or offset", note: "timestamp: -1h, 2024-05-01T12:00; offset: a number"),
        ])
    }

    /// What Enter in the form asks for, or why it cannot.
    func action(nowMillis: Int64, utcOffsetSeconds: Int) -> Result<AdminAction, DashboardFailureMessage> {
        func text(_ index: Int) -> String { String(fields[index].text.trimmingSpaces) }
        func fail(_ message: String) -> Result<AdminAction, DashboardFailureMessage> { .failure(DashboardFailureMessage(message)) }
        switch kind {
        case .createTopic:
            let name = text(0)
            guard !name.isEmpty else { return fail("a topic needs a name") }
            var creation = TopicCreation(name: name)
            if !text(1).isEmpty {
                guard let count = Int32(text(1)), count > 0 else { return fail("partitions must be a positive number") }
                creation.partitions = count
            }
            if !text(2).isEmpty {
                guard let factor = Int16(text(2)), factor > 0 else { return fail("replication must be a positive number") }
                creation.replicationFactor = factor
            }
            for item in text(3).split(separator: ",") where !item.trimmingSpaces.isEmpty {
                let parts = item.split(separator: "=", maxSplits: 1).map { String($0.trimmingSpaces) }
                guard parts.count == 2, !parts[0].isEmpty else { return fail("config \"\(item.trimmingSpaces)\" is not name=value") }
                creation.configs.append(ConfigSetting(parts[0], parts[1]))
            }
            return .success(.createTopic(creation))
        case .deleteTopic(let topic):
            guard text(0) == topic else { return fail("type \(topic) exactly to delete it") }
            return .success(.deleteTopic(topic))
        case .addPartitions(let topic, let current):
            guard let count = Int32(text(0)), Int(count) > current else {
                return fail("the new count must be a number above \(current)")
            }
            return .success(.addPartitions(topic: topic, totalCount: count))
        case .resetOffsets(let group):
            let topic = text(0).isEmpty ? nil : text(0)
            let mode: OffsetResetMode
            switch fields[1].text {
            case "earliest": mode = .earliest
            case "latest": mode = .latest
            case "timestamp":
                guard let millis = TimeExpression.parse(text(2), nowMillis: nowMillis, utcOffsetSeconds: utcOffsetSeconds) else {
                    return fail("not a time: \"\(text(2))\" (try -1h, 2024-05-01T12:00:00Z, epoch ms)")
                }
                mode = .timestamp(millis)
            default:
                guard let offset = Int64(text(2)), offset >= 0 else { return fail("not an offset: \"\(text(2))\"") }
                mode = .offset(offset)
            }
            return .success(.previewOffsetReset(OffsetResetRequest(group: group, topic: topic, mode: mode)))
        }
    }

    /// The confirmation text of an action that changes something.
    static func confirmation(_ action: AdminAction) -> [String] {
        switch action {
        case .createTopic(let creation):
            let configs = creation.configs.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
            return [
                "Create topic \(creation.name)?",
                "  partitions   " + (creation.partitions.map(String.init) ?? "broker default"),
                "  replication  " + (creation.replicationFactor.map(String.init) ?? "broker default"),
                "  configs      " + (configs.isEmpty ? "none" : configs),
            ]
        case .addPartitions(let topic, let count):
            return ["Raise \(topic) to \(count) partitions?", "Keyed messages may map to other partitions from then on."]
        case .applyOffsetReset(let preview):
            let nameWidth = min(56, max(20, preview.entries.map { DisplayWidth.of($0.topic) + 8 }.max() ?? 0))
            var lines = ["Reset the offsets of group \(preview.request.group) as follows?", ""]
            lines.append("  " + Format.fit("Topic[partition]", nameWidth) + Format.fit("Committed", 11, right: true) + " -> "
                         + Format.fit("New", 10, right: true))
            for entry in preview.entries {
                let name = "\(entry.topic)[\(entry.partition)]"
                let current = entry.current.map { Format.grouped($0) } ?? "none"
                lines.append("  " + Format.fit(name, nameWidth) + Format.fit(current, 11, right: true) + " -> "
                             + Format.fit(Format.grouped(entry.new), 10, right: true) + (entry.clamped ? "  (brought into range)" : ""))
            }
            return lines
        case .deleteTopic(let topic): return ["Delete topic \(topic)?"]
        case .previewOffsetReset: return []
        }
    }
}
