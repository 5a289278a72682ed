// Admin actions: the forms that ask for them, the confirmation, and their outcome. Read-only
// dashboards refuse them before any form opens.

extension DashboardReducer {
    func performAdminAction(_ action: DashboardAction, state: inout DashboardState) -> [DashboardEffect] {
        switch action {
        case .createTopic:
            guard allowsChanges("creating topics", &state) else { return [] }
            state.dialog = .createTopic()
        case .deleteTopic:
            guard allowsChanges("deleting topics", &state), let topic = state.selectedTopic else { return [] }
            state.dialog = .deleteTopic(topic)
        case .addPartitions:
            guard allowsChanges("adding partitions", &state), let topic = state.selectedTopicMetadata else { return [] }
            state.dialog = .addPartitions(topic.name, current: topic.partitions.count)
        case .resetGroupOffsets:
            guard allowsChanges("resetting offsets", &state) else { return [] }
            guard let group = state.groups.detail?.group ?? state.groups.selected?.id else { return [] }
            let committed = state.groups.snapshot?.groups.first { $0.id == group }?.committedTopics ?? []
            // The selected topic when the group committed there; else its only topic; else all of them.
            let topic = state.selectedTopic.flatMap { committed.contains($0) ? $0 : nil }
                ?? (committed.count == 1 ? committed.first : nil)
            state.dialog = .resetOffsets(group: group, topic: topic)
        case .nextField, .previousField:
            guard var dialog = state.dialog, !dialog.fields.isEmpty else { return [] }
            let step = action == .nextField ? 1 : -1
            dialog.selected = (dialog.selected + step + dialog.fields.count) % dialog.fields.count
            state.dialog = dialog
        case .nextChoice, .previousChoice:
            guard var dialog = state.dialog, let choices = dialog.fields[dialog.selected].choices, !choices.isEmpty else {
                return []
            }
            let step = action == .nextChoice ? 1 : -1
            let index = choices.firstIndex(of: dialog.fields[dialog.selected].text) ?? 0
            dialog.fields[dialog.selected].text = choices[(index + step + choices.count) % choices.count]
            state.dialog = dialog
        case .submitForm:
            return submitForm(&state)
        case .confirm:
            guard case .confirming(let change, _) = state.dialog?.stage else { return [] }
            state.dialog?.stage = .working(Self.workingText(change))
            state.dialog?.scroll = 0
            return [.admin(change)]
        default:
            break
        }
        return []
    }

    /// False, with a status line saying why, when the dashboard must not change the cluster.
    func allowsChanges(_ what: String, _ state: inout DashboardState) -> Bool {
        guard state.readOnly else { return true }
        report(.warning, "read-only (\(state.readOnlyReason)): \(what) is disabled", &state)
        return false
    }

    private func submitForm(_ state: inout DashboardState) -> [DashboardEffect] {
        guard let dialog = state.dialog, dialog.stage == .editing else { return [] }
        switch dialog.action(nowMillis: state.nowMillis, utcOffsetSeconds: state.utcOffsetSeconds) {
        case .failure(let problem):
            state.dialog?.problem = problem.description
            return []
        case .success(let action):
            state.dialog?.problem = nil
            switch action {
            // Typing the name was the confirmation; a reset is confirmed on its dry run.
            case .deleteTopic, .previewOffsetReset:
                state.dialog?.stage = .working(Self.workingText(action))
                return [.admin(action)]
            default:
                state.dialog?.stage = .confirming(action, lines: AdminDialog.confirmation(action))
                return []
            }
        }
    }

    func adminCompleted(
        _ action: AdminAction, _ result: Result<AdminOutcome, DashboardFailureMessage>, state: inout DashboardState
    ) -> [DashboardEffect] {
        let waiting: Bool
        if case .working = state.dialog?.stage { waiting = true } else { waiting = false }
        switch result {
        case .success(.done(let message)):
            report(.info, message, &state)
            if waiting { state.dialog = nil }
            if case .applyOffsetReset(let preview) = action, preview.request.group == state.groupID {
                return queryGroupOffsets(state)
            }
        case .success(.preview(let preview)):
            guard waiting else { return [] }
            guard !preview.entries.isEmpty else {
                state.dialog?.stage = .editing
                state.dialog?.problem = "nothing to reset: the group has no partitions there"
                return []
            }
            let apply = AdminAction.applyOffsetReset(preview)
            state.dialog?.stage = .confirming(apply, lines: AdminDialog.confirmation(apply))
        case .failure(let failure):
            report(.error, failure.description, &state)
            if waiting {
                state.dialog?.stage = .editing
                state.dialog?.problem = failure.description
            }
        }
        return []
    }

    static func workingText(_ action: AdminAction) -> String {
        switch action {
        case .createTopic(let creation): return "creating topic \(creation.name)..."
        case .deleteTopic(let topic): return "deleting topic \(topic)..."
        case .addPartitions(let topic, let count): return "raising \(topic) to \(count) partitions..."
        case .previewOffsetReset(let request): return "working out the reset of group \(request.group)..."
        case .applyOffsetReset(let preview): return "resetting the offsets of group \(preview.request.group)..."
        }
    }
}
