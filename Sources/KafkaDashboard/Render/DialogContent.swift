/// The lines of an admin form: its fields while editing, the change spelled out while confirming,
/// or what it waits for. Built by the renderer and by the reducer (which needs the count to scroll).
public enum DialogContent {
    public static func lines(_ dialog: AdminDialog) -> [StyledLine] {
        switch dialog.stage {
        case .editing:
            var lines: [StyledLine] = []
            let labelWidth = max(12, dialog.fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 2
            for (index, field) in dialog.fields.enumerated() {
                let selected = index == dialog.selected
                let value: String
                if field.choices != nil {
                    value = "< \(field.text) >"
                } else {
                    value = "[" + field.text + (selected ? "_" : "") + "]"
                }
                lines.append(StyledLine([
                    .init((selected ? "> " : "  ") + Format.fit(field.label, labelWidth), selected ? .columnHeader : .overlay),
                    .init(value, selected ? .editing : .overlay),
                    .init(field.note.isEmpty ? "" : "  " + field.note, .dim),
                ]))
            }
            lines.append(StyledLine(""))
            if let problem = dialog.problem { lines.append(StyledLine(problem, .error)) }
            lines.append(StyledLine("Enter goes on (nothing changes before you confirm) · Tab next field · Esc cancels", .dim))
            return lines
        case .confirming(_, let text):
            var lines = text.enumerated().map { StyledLine($1, $0 == 0 ? .warning : .overlay) }
            lines.append(StyledLine(""))
            lines.append(StyledLine("y: yes, do it · n or Esc: no, change nothing", .accent))
            return lines
        case .working(let text):
            return [StyledLine(text, .accent), StyledLine(""),
                    StyledLine("Esc closes this; the outcome shows on the status line.", .dim)]
        }
    }
}
