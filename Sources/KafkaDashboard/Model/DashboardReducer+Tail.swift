// The tail's search, saving and the message detail's copy.

extension DashboardReducer {
    /// Bytes the clipboard escape carries at most: its base64 stays under the 100,000 characters
    /// xterm and most terminals accept.
    static let clipboardLimit = 74_000

    func performTailAction(_ action: DashboardAction, state: inout DashboardState) -> [DashboardEffect] {
        switch action {
        case .startTailSearch:
            state.textEntry = TextEntry(purpose: .tailSearch, text: state.tail.search?.matcher.query ?? "")
        case .nextMatch, .previousMatch:
            guard state.tail.search != nil else {
                report(.info, "no search: / searches the kept messages", &state)
                return []
            }
            let count = state.tail.rowCount
            guard count > 0 else {
                report(.info, "no message matches \(quoted(state))", &state)
                return []
            }
            // Wraps around at either end.
            let current = state.tail.selectedSequence.map { state.tail.row(atOrAfter: $0) }
            let step = action == .nextMatch ? 1 : -1
            let row = current.map { ($0 + step + count) % count } ?? (step > 0 ? 0 : count - 1)
            state.tail.select(sequence: state.tail.sequence(atRow: row), visibleRows: visibleRows(.tail, state))
            report(.info, "match \(row + 1) of \(count) for \(quoted(state))", &state)
        case .saveMessages:
            let topic = state.tail.request?.topic ?? "tail"
            let stamp = Format.dateTime(epochMillis: state.nowMillis, utcOffsetSeconds: state.utcOffsetSeconds)
                .filter { $0.isASCIIDigit || $0 == " " }.replacingSpaces(with: "-")
            state.textEntry = TextEntry(purpose: .savePath, text: "kfast-\(topic)-\(stamp.prefix(15)).jsonl")
        case .copyValue:
            guard case .messageDetail(let sequence, _) = state.overlay,
                let position = state.tail.scrollback.position(ofSequence: sequence)
            else { return [] }
            guard let value = state.tail.scrollback[position].value else {
                report(.warning, "the value is null: nothing to copy", &state)
                return []
            }
            guard value.count <= Self.clipboardLimit else {
                report(.warning, "the value is \(Format.bytes(Double(value.count))), too large for the clipboard escape: "
                       + "w in the tail writes messages to a file", &state)
                return []
            }
            report(.info, "copied \(Format.grouped(Int64(value.count))) bytes to the clipboard (OSC 52)", &state)
            return [.copyToClipboard(value)]
        default:
            break
        }
        return []
    }

    /// Enter on `/` in the tail: an empty query ends the search.
    func commitSearch(_ text: String, state: inout DashboardState) {
        guard !text.isEmpty else {
            state.tail.setSearch(nil)
            report(.info, "search cleared: every kept message shows", &state)
            return
        }
        do {
            state.tail.setSearch(try MessageMatcher(text))
            report(.info, "\(Format.grouped(Int64(state.tail.rowCount))) of \(Format.grouped(Int64(state.tail.scrollback.count))) "
                   + "kept messages match \(quoted(state)); n/N step, Esc clears", &state)
        } catch {
            report(.warning, error.description, &state)
        }
    }

    func commitSave(_ path: String, state: inout DashboardState) -> [DashboardEffect] {
        let messages = state.tail.shownMessages
        guard !path.isEmpty else {
            report(.warning, "no file name given", &state)
            return []
        }
        guard !messages.isEmpty else {
            report(.warning, "no messages to write", &state)
            return []
        }
        return [.saveMessages(path: path, messages: messages)]
    }

    private func quoted(_ state: DashboardState) -> String {
        "\"\(state.tail.search?.matcher.query ?? "")\""
    }
}

extension StringProtocol {
    func replacingSpaces(with replacement: Character) -> String {
        String(map { $0 == " " ? replacement : $0 })
    }
}
