// The send form, the load generator, and committing typed text.

extension DashboardReducer {
    func send(_ state: inout DashboardState) -> [DashboardEffect] {
        guard allowsChanges("sending messages", &state) else { return [] }
        guard let topic = state.selectedTopic else {
            report(.warning, "no topic selected: pick one in the topics pane first", &state)
            return []
        }
        guard let partition = state.sendForm.parsedPartition else {
            report(.warning, "partition must be a number or empty for auto, not \"\(state.sendForm.partition)\"", &state)
            return []
        }
        let form = state.sendForm
        let request = SendRequest(
            id: state.nextRequestID, topic: topic,
            key: form.key.isEmpty ? nil : Array(form.key.utf8),
            value: Array(form.value.utf8),
            headers: form.parsedHeaders, partition: partition, codec: form.codec)
        state.nextRequestID += 1
        state.lastSend = SendStatus(request: request, result: nil)
        return [.send(request)]
    }

    func toggleLoadGenerator(_ state: inout DashboardState) -> [DashboardEffect] {
        if state.loadGenerator != nil {
            state.loadGenerator = nil
            return [.setLoadGenerator(nil)]
        }
        guard allowsChanges("the load generator", &state) else { return [] }
        guard let settings = loadSettings(&state) else { return [] }
        state.loadGenerator = settings
        return [.setLoadGenerator(settings)]
    }

    /// A running load generator follows edits of its rate, size and codec at once.
    func loadGeneratorRetuned(_ state: DashboardState) -> [DashboardEffect] {
        guard state.loadGenerator != nil else { return [] }
        var copy = state
        guard let settings = loadSettings(&copy) else { return [] }
        return [.setLoadGenerator(settings)]
    }

    private func loadSettings(_ state: inout DashboardState) -> LoadGeneratorSettings? {
        guard let topic = state.selectedTopic else {
            report(.warning, "no topic selected for the load generator", &state)
            return nil
        }
        guard let rate = Int(state.sendForm.loadRate.trimmingSpaces), rate > 0,
            let size = Int(state.sendForm.loadSize.trimmingSpaces), size >= 0
        else {
            report(.warning, "load generator needs a positive rate and a size in bytes", &state)
            return nil
        }
        return LoadGeneratorSettings(topic: topic, messagesPerSecond: rate, messageSize: size,
                                     codec: state.sendForm.codec)
    }

    func commitText(_ state: inout DashboardState) -> [DashboardEffect] {
        guard let entry = state.textEntry else { return [] }
        state.textEntry = nil
        switch entry.purpose {
        case .topicFilter:
            state.topicFilter = entry.text
            refreshRows(&state)
            return []

        case .sendField(let field):
            state.sendForm.setText(entry.text, of: field)
            if field == .loadRate || field == .loadSize {
                if state.loadGenerator != nil, let settings = loadSettings(&state) {
                    state.loadGenerator = settings
                    return [.setLoadGenerator(settings)]
                }
            }
            return []

        case .tailOffset:
            guard let offset = Int64(entry.text.trimmingSpaces), offset >= 0 else {
                report(.warning, "not an offset: \"\(entry.text)\"", &state)
                return []
            }
            return restartTail(from: .offset(offset), state: &state)

        case .tailTime:
            guard let millis = TimeExpression.parse(
                entry.text, nowMillis: state.nowMillis, utcOffsetSeconds: state.utcOffsetSeconds)
            else {
                report(.warning, "not a time: \"\(entry.text)\" (try -5m, -2h, 2024-05-01T12:00:00Z)", &state)
                return []
            }
            return restartTail(from: .timestamp(millis: millis), state: &state)

        case .groupFilter:
            state.groups.setFilter(entry.text)
            clampCursors(&state)
            return []

        case .configFilter:
            state.configs.setFilter(entry.text)
            clampCursors(&state)
            return []

        case .tailSearch:
            commitSearch(entry.text, state: &state)
            clampCursors(&state)
            return []

        case .savePath:
            return commitSave(String(entry.text.trimmingSpaces), state: &state)
        }
    }

    private func restartTail(from start: TailStart, state: inout DashboardState) -> [DashboardEffect] {
        guard let topic = state.tail.request?.topic ?? state.selectedTopic else { return [] }
        return [startTail(topic: topic, partition: state.tail.request?.partition, start: start, state: &state)]
    }
}
