// Key presses: looked up in the key table, then carried out here.

extension DashboardReducer {
    func handle(key: Key, state: inout DashboardState) -> [DashboardEffect] {
        let context = state.keyContext
        var effects: [DashboardEffect] = []
        if let binding = keyTable.binding(for: key, in: context) {
            effects = perform(binding.action, state: &state)
        } else if context.takesTypedText, let character = key.insertableCharacter {
            editTypedText(context, state: &state) { $0.append(character) }
        }
        // Whatever the key brought on screen gets its data asked for.
        return effects + viewEffects(&state)
    }

    /// Edits the text of the field being typed into: a one-line entry, the picker's type-ahead or a form field.
    func editTypedText(_ context: KeyContext, state: inout DashboardState, _ edit: (inout String) -> Void) {
        switch context {
        case .picker:
            guard var picker = state.picker else { return }
            var text = picker.typed
            edit(&text)
            picker.clear()
            for character in text { picker.type(character) }
            state.picker = picker
        case .dialog:
            guard var dialog = state.dialog, dialog.fields[dialog.selected].choices == nil else { return }
            edit(&dialog.fields[dialog.selected].text)
            dialog.problem = nil
            state.dialog = dialog
        default:
            guard state.textEntry != nil else { return }
            edit(&state.textEntry!.text)
            applyLiveFilter(&state)
        }
    }

    func perform(_ action: DashboardAction, state: inout DashboardState) -> [DashboardEffect] {
        switch action {
        case .moveUp: return move(by: -1, state: &state)
        case .moveDown: return move(by: 1, state: &state)
        case .pageUp: return move(by: -pageSize(state), state: &state)
        case .pageDown: return move(by: pageSize(state), state: &state)
        case .moveToTop: return move(by: Int.min / 2, state: &state)
        case .moveToBottom: return move(by: Int.max / 2, state: &state)

        case .focusNext: focus(offset: 1, state: &state)
        case .focusPrevious: focus(offset: -1, state: &state)
        case .focus(let pane): focus(pane, state: &state)

        case .showHelp: state.overlay = .help(scroll: 0)
        case .closeOverlay: return closeOverlay(&state)
        case .quit: return [.quit]
        case .redraw: return [.redrawAll]
        case .togglePause:
            if state.paused { return resume(&state) }
            state.paused = true
            // Pin a following tail where it is, so the rows stop moving while paused.
            if state.tail.isFollowing, let newest = state.tail.selectedMessageSequence {
                state.tail.select(sequence: newest, visibleRows: visibleRows(.tail, state))
            }
            return [.setTailPaused(true)]
        case .toggleZoom:
            state.zoomed.toggle()
            clampCursors(&state)
        case .back:
            if state.overlay != nil {
                return closeOverlay(&state)
            } else if clearPaneFilter(&state) {
                return []
            } else if !state.topicFilter.isEmpty {
                state.topicFilter = ""
                refreshRows(&state)
            } else if state.zoomed {
                state.zoomed = false
                clampCursors(&state)
            }
        case .startTopicFilter:
            focus(.topics, state: &state)
            state.textEntry = TextEntry(purpose: .topicFilter, text: state.topicFilter)

        case .openTopic:
            guard let topic = state.selectedTopic else { return [] }
            focus(.partitions, state: &state)
            state.groupOffsets = nil
            return [startTail(topic: topic, partition: nil, start: .end, state: &state)]
        case .toggleInternalTopics:
            state.showInternalTopics.toggle()
            refreshRows(&state)

        case .sortPartitions(let column):
            if state.partitionSort.column == column {
                state.partitionSort.descending.toggle()
            } else {
                state.partitionSort = PartitionSort(column: column, descending: column.sortsDescendingFirst)
            }
            refreshRows(&state)
        case .tailSelectedPartition:
            guard let topic = state.selectedTopic, let row = state.selectedPartitionRow else { return [] }
            focus(.tail, state: &state)
            return [startTail(topic: topic, partition: row.partition.id, start: .end, state: &state)]

        case .chooseGroup:
            guard let topic = state.selectedTopic else { return [] }
            var picker = GroupPicker(topic: topic)
            picker.setCandidates(from: state.groups.snapshot)
            state.picker = picker
        case .refreshGroupOffsets:
            return queryGroupOffsets(state)

        case .editField:
            let field = state.sendForm.selectedField
            if field.isTyped {
                state.textEntry = TextEntry(purpose: .sendField(field), text: state.sendForm.text(of: field))
            } else {
                state.sendForm.cycleCodec()
                return loadGeneratorRetuned(state)
            }
        case .sendMessage:
            guard allowsChanges("sending messages", &state) else { return [] }
            return send(&state)
        case .toggleLoadGenerator:
            guard state.loadGenerator != nil || allowsChanges("the load generator", &state) else { return [] }
            return toggleLoadGenerator(&state)

        case .openMessage:
            guard let message = state.tail.selectedMessage, let sequence = state.tail.selectedMessageSequence else { return [] }
            state.detailLines = MessageDetailContent.lines(for: message, format: state.tail.format,
                                                           utcOffsetSeconds: state.utcOffsetSeconds)
            state.overlay = .messageDetail(sequence: sequence, scroll: 0)
        case .cycleValueFormat:
            state.tail.format = state.tail.format.next
            if case .messageDetail(let sequence, _) = state.overlay,
                let position = state.tail.scrollback.position(ofSequence: sequence)
            {
                state.detailLines = MessageDetailContent.lines(
                    for: state.tail.scrollback[position], format: state.tail.format,
                    utcOffsetSeconds: state.utcOffsetSeconds)
            }
        case .tailFromBeginning: return restartTail(start: .beginning, state: &state)
        case .tailFromEnd: return restartTail(start: .end, state: &state)
        case .tailFromOffset: state.textEntry = TextEntry(purpose: .tailOffset, text: "")
        case .tailFromTime: state.textEntry = TextEntry(purpose: .tailTime, text: "-5m")
        case .tailNextPartition: return stepTailPartition(by: 1, state: &state)
        case .tailPreviousPartition: return stepTailPartition(by: -1, state: &state)
        case .tailAllPartitions:
            guard let request = state.tail.request, request.partition != nil else { return [] }
            return [startTail(topic: request.topic, partition: nil, start: request.start, state: &state)]
        case .clearTail: state.tail.clear()

        case .commitText:
            if state.picker != nil { return chooseGroup(&state) }
            return commitText(&state)
        case .cancelText:
            if state.keyContext == .dialog { state.dialog = nil }
            if state.keyContext == .picker { state.picker = nil }
            if let entry = state.textEntry {
                state.textEntry?.text = entry.original
                applyLiveFilter(&state)
                state.textEntry = nil
            }
        case .deleteBackward:
            editTypedText(state.keyContext, state: &state) { if !$0.isEmpty { $0.removeLast() } }
        case .clearText:
            editTypedText(state.keyContext, state: &state) { $0 = "" }
        case .insertText:
            break  // typing is handled before the table lookup falls through

        case .openGroup, .startGroupFilter, .sortGroups, .refreshTopicConfig, .startConfigFilter:
            return performViewAction(action, state: &state)
        case .createTopic, .deleteTopic, .addPartitions, .resetGroupOffsets, .submitForm, .nextField, .previousField,
            .nextChoice, .previousChoice, .confirm:
            return performAdminAction(action, state: &state)
        case .startTailSearch, .nextMatch, .previousMatch, .saveMessages, .copyValue:
            return performTailAction(action, state: &state)
        }
        return []
    }

    // MARK: - Moving

    private func move(by delta: Int, state: inout DashboardState) -> [DashboardEffect] {
        let overlayRows = DashboardLayout(for: state).overlayRect(size: state.size).height - 2
        if let dialog = state.dialog {
            let total = DialogContent.lines(dialog).count
            state.dialog?.scroll = clampScroll(dialog.scroll, delta, total: total, visible: overlayRows)
            return []
        }
        if state.picker != nil {
            state.picker?.move(by: max(-1_000_000, min(1_000_000, delta)))
            return []
        }
        switch state.overlay {
        case .groupDetail:
            guard let detail = state.groups.detail else { return [] }
            let total = GroupDetailContent.lines(detail, nowMillis: state.nowMillis).count
            state.groups.detail?.scroll = clampScroll(detail.scroll, delta, total: total, visible: overlayRows)
            return []
        case .help(let scroll):
            let lines = HelpContent.lines(keyTable).count
            let rows = DashboardLayout(for: state).overlayRect(size: state.size).height - 2
            state.overlay = .help(scroll: clampScroll(scroll, delta, total: lines, visible: rows))
            return []
        case .messageDetail(let sequence, let scroll):
            let rows = DashboardLayout(for: state).overlayRect(size: state.size).height - 2
            state.overlay = .messageDetail(
                sequence: sequence, scroll: clampScroll(scroll, delta, total: state.detailLines.count, visible: rows))
            return []
        case nil:
            break
        }
        let rows = visibleRows(state.focus, state)
        switch state.focus {
        case .topics:
            state.topicCursor.move(by: delta, count: state.topicRows.count, visibleRows: rows)
            if state.topicRows.indices.contains(state.topicCursor.selected) {
                let name = state.topicRows[state.topicCursor.selected].name
                if name != state.selectedTopic {
                    state.selectedTopic = name
                    state.partitionCursor = ListCursor()
                    state.offsetsCursor = ListCursor()
                    state.groupOffsets = nil
                    refreshRows(&state)
                }
            }
        case .partitions:
            state.partitionCursor.move(by: delta, count: state.partitionRows.count, visibleRows: rows)
        case .offsets:
            state.offsetsCursor.move(by: delta, count: state.partitionRows.count, visibleRows: rows)
        case .send:
            let fields = SendForm.Field.allCases
            let index = min(max(0, state.sendForm.selectedField.rawValue + max(-fields.count, min(fields.count, delta))),
                            fields.count - 1)
            state.sendForm.selectedField = fields[index]
        case .tail:
            if delta == Int.max / 2 {
                state.tail.selectedSequence = nil  // G: follow the newest again
            } else {
                state.tail.moveSelection(by: max(-state.tail.scrollback.capacity, delta), visibleRows: rows)
            }
        case .groups:
            state.groups.cursor.move(by: delta, count: state.groups.rows.count, visibleRows: rows)
        case .brokers:
            state.brokers.cursor.move(by: delta, count: state.brokers.rows(cluster: state.cluster).count, visibleRows: rows)
        case .configs:
            state.configs.cursor.move(by: delta, count: state.configs.rows.count, visibleRows: rows)
        }
        return []
    }

    private func clampScroll(_ scroll: Int, _ delta: Int, total: Int, visible: Int) -> Int {
        let maxScroll = max(0, total - max(1, visible))
        return min(max(0, scroll &+ delta), maxScroll)
    }

    private func pageSize(_ state: DashboardState) -> Int {
        if state.overlay != nil { return max(1, DashboardLayout(for: state).overlayRect(size: state.size).height - 3) }
        return max(1, visibleRows(state.focus, state) - 1)
    }

    func visibleRows(_ pane: Pane, _ state: DashboardState) -> Int {
        DashboardLayout(for: state).listRows(for: pane, state: state)
    }

    private func focus(offset: Int, state: inout DashboardState) {
        let panes = Pane.allCases
        let next = panes[(state.focus.rawValue + offset + panes.count) % panes.count]
        focus(next, state: &state)
    }

    func focus(_ pane: Pane, state: inout DashboardState) {
        state.focus = pane
        if pane.sharesSlotWithPartitions { state.slotPane = pane }
        state.overlay = nil
        clampCursors(&state)
    }

    /// Filters follow the typing; Esc puts back what was there.
    func applyLiveFilter(_ state: inout DashboardState) {
        guard let entry = state.textEntry else { return }
        switch entry.purpose {
        case .topicFilter:
            state.topicFilter = entry.text
            refreshRows(&state)
        case .groupFilter:
            state.groups.setFilter(entry.text)
            clampCursors(&state)
        case .configFilter:
            state.configs.setFilter(entry.text)
            clampCursors(&state)
        default:
            break
        }
    }

    // MARK: - Tail

    private func restartTail(start: TailStart, state: inout DashboardState) -> [DashboardEffect] {
        guard let topic = state.tail.request?.topic ?? state.selectedTopic else { return [] }
        return [startTail(topic: topic, partition: state.tail.request?.partition, start: start, state: &state)]
    }

    /// Cycles all → 0 → 1 → … → last → all.
    private func stepTailPartition(by step: Int, state: inout DashboardState) -> [DashboardEffect] {
        guard let request = state.tail.request,
            let topic = state.cluster.topics.first(where: { $0.name == request.topic }), !topic.partitions.isEmpty
        else { return [] }
        let ids = topic.partitions.map(\.id).sorted()
        let choices: [Int32?] = [nil] + ids.map { Optional($0) }
        let current = choices.firstIndex(of: request.partition) ?? 0
        let next = choices[(current + step + choices.count) % choices.count]
        return [startTail(topic: request.topic, partition: next, start: request.start, state: &state)]
    }

    // MARK: - Offsets

    func queryGroupOffsets(_ state: DashboardState) -> [DashboardEffect] {
        guard !state.groupID.isEmpty, let topic = state.selectedTopic else { return [] }
        return [.queryGroupOffsets(group: state.groupID, topic: topic)]
    }
}
