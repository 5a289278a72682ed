/// The help overlay's lines, generated from the key table so help can never disagree with what keys do.
public enum HelpContent {
    public enum Line: Equatable, Sendable {
        case heading(String)
        case binding(keys: String, label: String)
        case blank
    }

    public static func lines(_ table: KeyTable) -> [Line] {
        var result: [Line] = []
        for (context, bindings) in table.contexts where !bindings.isEmpty {
            if !result.isEmpty { result.append(.blank) }
            result.append(.heading(context.title))
            for binding in bindings {
                result.append(.binding(keys: binding.keysDisplay, label: binding.label))
            }
        }
        return result
    }
}
