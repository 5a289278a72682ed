/// The offsets view's group chooser: the groups that committed offsets on the topic, narrowed by what
/// is typed (names starting with it first). Enter takes the highlighted group, or what was typed when
/// nothing matches, so a group the cluster does not list can still be named.
public struct GroupPicker: Sendable, Equatable {
    public var topic: String
    public private(set) var typed = ""
    /// Every group with commits on the topic, by name; nil until the groups list arrived.
    public private(set) var candidates: [String]?
    public private(set) var shown: [String] = []
    public var selected = 0
    /// Why there are no candidates (the cluster cannot list groups).
    public var unavailable: String?

    public init(topic: String) {
        self.topic = topic
    }

    mutating func setCandidates(from snapshot: GroupsSnapshot?) {
        guard let snapshot else { return }
        unavailable = snapshot.unavailable
        candidates = snapshot.groups.filter { $0.committedTopics.contains(topic) }.map(\.id).sorted()
        narrow()
    }

    mutating func type(_ character: Character) {
        typed.append(character)
        narrow()
    }

    mutating func deleteBackward() {
        if !typed.isEmpty { typed.removeLast() }
        narrow()
    }

    mutating func clear() {
        typed = ""
        narrow()
    }

    mutating func move(by delta: Int) {
        selected = min(max(0, selected + delta), max(0, shown.count - 1))
    }

    /// The group Enter chooses.
    public var choice: String? {
        if shown.indices.contains(selected) { return shown[selected] }
        let text = typed.trimmingSpaces
        return text.isEmpty ? nil : String(text)
    }

    private mutating func narrow() {
        let needle = typed.lowercased()
        let all = candidates ?? []
        if needle.isEmpty {
            shown = all
        } else {
            let matching = all.filter { $0.lowercased().contains(needle) }
            shown = matching.filter { $0.lowercased().hasPrefix(needle) } + matching.filter { !$0.lowercased().hasPrefix(needle) }
        }
        selected = min(selected, max(0, shown.count - 1))
    }
}
