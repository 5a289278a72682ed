/// Where a key is pressed: the focused pane, an overlay, or a text field being typed into.
public enum KeyContext: String, CaseIterable, Sendable {
    case global, topics, partitions, offsets, send, tail, groups, brokers, configs
    case textEntry, help, messageDetail, groupDetail, picker, dialog, confirm

    /// Pane contexts also answer global keys; modal ones (typing, overlays) must not, or typing
    /// "q" into a field would quit.
    public var inheritsGlobal: Bool {
        switch self {
        case .topics, .partitions, .offsets, .send, .tail, .groups, .brokers, .configs: return true
        case .global, .textEntry, .help, .messageDetail, .groupDetail, .picker, .dialog, .confirm: return false
        }
    }

    /// Contexts where a character that no binding claims is typed into a field.
    public var takesTypedText: Bool {
        self == .textEntry || self == .picker || self == .dialog
    }

    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .topics: return "Topics"
        case .partitions: return "Partitions"
        case .offsets: return "Offsets"
        case .send: return "Send"
        case .tail: return "Tail"
        case .textEntry: return "Typing into a field"
        case .help: return "Help"
        case .messageDetail: return "Message detail"
        case .groups: return "Groups"
        case .brokers: return "Brokers"
        case .configs: return "Topic configuration"
        case .groupDetail: return "Group detail"
        case .picker: return "Choosing a group"
        case .dialog: return "Admin form (create, delete, partitions, reset)"
        case .confirm: return "Confirming a change"
        }
    }
}

/// Groups bindings in the help overlay.
public enum BindingCategory: String, Sendable {
    case navigation = "Navigation"
    case view = "View"
    case action = "Actions"
    case sorting = "Sorting"
    case editing = "Editing"
}

/// One row of the key table: the only place a key gets its meaning, its help text and its hint.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    /// Shown instead of the key names when the binding is not a fixed key (typing text).
    public var keyLabel: String?
    /// Help overlay text.
    public var label: String
    public var category: BindingCategory
    /// Short hint-bar text; nil keeps the binding out of the hint bar.
    public var hint: String?
    public var action: DashboardAction

    public init(
        _ keys: [Key], _ label: String, _ category: BindingCategory, hint: String? = nil,
        keyLabel: String? = nil, action: DashboardAction
    ) {
        self.keys = keys
        self.keyLabel = keyLabel
        self.label = label
        self.category = category
        self.hint = hint
        self.action = action
    }

    /// "j/Down", or the explicit key label.
    public var keysDisplay: String {
        keyLabel ?? keys.map(\.displayName).joined(separator: "/")
    }
}

/// A mistake in a key table, found by `KeyTable.validate()`.
public enum KeyTableProblem: Equatable, Sendable, CustomStringConvertible {
    case duplicateKey(Key, KeyContext, [String])
    case tabWithoutBackTab(KeyContext)
    case bindingWithoutKeys(KeyContext, String)

    public var description: String {
        switch self {
        case let .duplicateKey(key, context, labels):
            return "\(key.displayName) is bound more than once in \(context.rawValue): \(labels.joined(separator: ", "))"
        case let .tabWithoutBackTab(context):
            return "\(context.rawValue) binds Tab but not Shift-Tab"
        case let .bindingWithoutKeys(context, label):
            return "\(context.rawValue): \"\(label)\" has no key"
        }
    }
}

/// The bindings of every context. Key dispatch, the hint bar and the help overlay all read this one table.
public struct KeyTable: Sendable {
    public let contexts: [(context: KeyContext, bindings: [KeyBinding])]
    private let index: [KeyContext: [Key: Int]]
    private let byContext: [KeyContext: [KeyBinding]]

    public init(_ contexts: [(KeyContext, [KeyBinding])]) {
        self.contexts = contexts.map { (context: $0.0, bindings: $0.1) }
        var index: [KeyContext: [Key: Int]] = [:]
        var byContext: [KeyContext: [KeyBinding]] = [:]
        for (context, bindings) in contexts {
            byContext[context] = bindings
            var keys: [Key: Int] = [:]
            for (position, binding) in bindings.enumerated() {
                for key in binding.keys where keys[key] == nil { keys[key] = position }
            }
            index[context] = keys
        }
        self.index = index
        self.byContext = byContext
    }

    public func bindings(in context: KeyContext) -> [KeyBinding] {
        byContext[context] ?? []
    }

    /// The context's own bindings first, then the global ones it inherits.
    public func effectiveBindings(in context: KeyContext) -> [KeyBinding] {
        context.inheritsGlobal ? bindings(in: context) + bindings(in: .global) : bindings(in: context)
    }

    /// The binding a key triggers in a context, falling back to the global bindings where inherited.
    public func binding(for key: Key, in context: KeyContext) -> KeyBinding? {
        if let position = index[context]?[key] { return byContext[context]?[position] }
        if context.inheritsGlobal, let position = index[.global]?[key] { return byContext[.global]?[position] }
        return nil
    }

    /// Checks that no key means two things in one place (a pane key shadowing a global one counts),
    /// and that every context that binds Tab also binds Shift-Tab.
    public func validate() -> [KeyTableProblem] {
        var problems: [KeyTableProblem] = []
        for (context, _) in contexts {
            var labelsByKey: [Key: [String]] = [:]
            var order: [Key] = []
            for binding in effectiveBindings(in: context) {
                if binding.keys.isEmpty && binding.keyLabel == nil {
                    problems.append(.bindingWithoutKeys(context, binding.label))
                }
                for key in binding.keys {
                    if labelsByKey[key] == nil { order.append(key) }
                    labelsByKey[key, default: []].append(binding.label)
                }
            }
            for key in order where labelsByKey[key]!.count > 1 {
                problems.append(.duplicateKey(key, context, labelsByKey[key]!))
            }
            if labelsByKey[.tab] != nil && labelsByKey[.backTab] == nil {
                problems.append(.tabWithoutBackTab(context))
            }
        }
        return problems
    }
}
