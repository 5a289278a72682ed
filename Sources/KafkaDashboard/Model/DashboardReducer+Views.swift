// The groups, brokers and configuration views: what they ask the source for when they come on
// screen, their keys, and the offsets view's group picker.

extension DashboardReducer {
    func performViewAction(_ action: DashboardAction, state: inout DashboardState) -> [DashboardEffect] {
        switch action {
        case .openGroup:
            guard let group = state.groups.selected else { return [] }
            state.groups.detail = GroupDetailState(group: group.id)
            state.overlay = .groupDetail
            return [.watchGroupDetail(group.id)]
        case .startGroupFilter:
            focus(.groups, state: &state)
            state.textEntry = TextEntry(purpose: .groupFilter, text: state.groups.filter)
        case .sortGroups(let column):
            state.groups.sort(by: column)
            clampCursors(&state)
        case .refreshTopicConfig:
            guard let topic = state.selectedTopic else { return [] }
            state.configs.request(topic)
            return [.queryTopicConfig(topic)]
        case .startConfigFilter:
            state.textEntry = TextEntry(purpose: .configFilter, text: state.configs.filter)
        default:
            break
        }
        return []
    }

    /// Asks for the data of whatever is on screen and not loaded: the groups list (polled from then
    /// on) when the groups view, an opened group or the picker shows; the selected topic's
    /// configuration when the configuration view shows.
    func viewEffects(_ state: inout DashboardState) -> [DashboardEffect] {
        var effects: [DashboardEffect] = []
        let layout = DashboardLayout(for: state)
        let groupsShown = layout.rect(for: .groups) != nil || state.picker != nil || state.groups.detail != nil
        if groupsShown && !state.groups.watching {
            state.groups.watching = true
            effects.append(.watchGroups)
        }
        if layout.rect(for: .configs) != nil, let topic = state.selectedTopic, state.configs.topic != topic {
            state.configs.request(topic)
            effects.append(.queryTopicConfig(topic))
        }
        return effects
    }

    /// Esc and q on an overlay, a form or the picker: closes it (a running admin action goes on;
    /// its outcome still reaches the status line).
    func closeOverlay(_ state: inout DashboardState) -> [DashboardEffect] {
        if state.dialog != nil {
            state.dialog = nil
            return []
        }
        if state.picker != nil {
            state.picker = nil
            return []
        }
        let wasGroup = state.overlay == .groupDetail
        state.overlay = nil
        guard wasGroup else { return [] }
        state.groups.detail = nil
        return [.watchGroupDetail(nil)]
    }

    /// Esc in a pane with a filter or search of its own clears that first; true when it did.
    func clearPaneFilter(_ state: inout DashboardState) -> Bool {
        switch state.focus {
        case .tail where state.tail.search != nil:
            state.tail.setSearch(nil)
            report(.info, "search cleared: every kept message shows", &state)
        case .groups where !state.groups.filter.isEmpty:
            state.groups.setFilter("")
        case .configs where !state.configs.filter.isEmpty:
            state.configs.setFilter("")
        default:
            return false
        }
        clampCursors(&state)
        return true
    }

    /// Enter in the picker: the highlighted group, or the typed id when none is listed.
    func chooseGroup(_ state: inout DashboardState) -> [DashboardEffect] {
        guard let picker = state.picker else { return [] }
        guard let group = picker.choice else {
            report(.warning, "no group chosen: type a group id or pick one from the list", &state)
            return []
        }
        state.picker = nil
        state.groupID = group
        state.groupOffsets = nil
        if state.focus != .offsets { focus(.offsets, state: &state) }
        return queryGroupOffsets(state)
    }
}
