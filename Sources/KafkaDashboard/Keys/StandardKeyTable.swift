// The dashboard's key bindings, following htop/k9s/lazygit habits: Tab/Shift-Tab between panes,
// arrows and j/k, g/G, PgUp/PgDn, "/" to filter, Esc to back out, "?" for help, "q" to quit.

extension KeyTable {
    public static let standard = KeyTable([
        (.global, globalBindings),
        (.topics, topicBindings),
        (.partitions, partitionBindings),
        (.offsets, offsetBindings),
        (.send, sendBindings),
        (.tail, tailBindings),
        (.groups, groupBindings),
        (.brokers, brokerBindings),
        (.configs, configBindings),
        (.textEntry, textEntryBindings),
        (.help, helpBindings),
        (.messageDetail, messageDetailBindings),
        (.groupDetail, groupDetailBindings),
        (.picker, pickerBindings),
        (.dialog, dialogBindings),
        (.confirm, confirmBindings),
    ])

    private static let listNavigation: [KeyBinding] = [
        KeyBinding([.character("k"), .up], "Move up", .navigation, action: .moveUp),
        KeyBinding([.character("j"), .down], "Move down", .navigation, action: .moveDown),
        KeyBinding([.pageUp, .control("b")], "Page up", .navigation, action: .pageUp),
        KeyBinding([.pageDown, .control("f")], "Page down", .navigation, action: .pageDown),
        KeyBinding([.character("g"), .home], "Go to top", .navigation, action: .moveToTop),
        KeyBinding([.character("G"), .end], "Go to bottom (tail: follow newest)", .navigation, action: .moveToBottom),
    ]

    private static let globalBindings: [KeyBinding] = listNavigation + [
        KeyBinding([.tab], "Next pane", .navigation, hint: "pane", action: .focusNext),
        KeyBinding([.backTab], "Previous pane", .navigation, action: .focusPrevious),
        KeyBinding([.character("1")], "Topics pane", .navigation, action: .focus(.topics)),
        KeyBinding([.character("2")], "Partitions pane", .navigation, action: .focus(.partitions)),
        KeyBinding([.character("3")], "Offsets view", .navigation, action: .focus(.offsets)),
        KeyBinding([.character("4")], "Send pane", .navigation, action: .focus(.send)),
        KeyBinding([.character("5")], "Tail pane", .navigation, action: .focus(.tail)),
        KeyBinding([.character("6")], "Consumer groups view", .navigation, action: .focus(.groups)),
        KeyBinding([.character("7")], "Brokers view", .navigation, action: .focus(.brokers)),
        KeyBinding([.character("8")], "Topic configuration view", .navigation, action: .focus(.configs)),
        KeyBinding([.escape], "Back: clear filter, leave zoom", .view, action: .back),
        KeyBinding([.character("+")], "Zoom the focused pane", .view, hint: "zoom", action: .toggleZoom),
        KeyBinding([.character("p")], "Pause or resume live updates and the tail", .view, hint: "pause",
                   action: .togglePause),
        KeyBinding([.control("l")], "Redraw the screen", .view, action: .redraw),
        KeyBinding([.character("?"), .function(1)], "Help", .view, hint: "help", action: .showHelp),
        KeyBinding([.character("q")], "Quit", .action, hint: "quit", action: .quit),
    ]

    /// "/" where a pane has no list of its own to filter: the topics, as everywhere before.
    private static let topicFilter = KeyBinding([.character("/")], "Filter topics", .view, hint: "filter",
                                                action: .startTopicFilter)

    private static let topicBindings: [KeyBinding] = [
        KeyBinding([.enter], "Open topic: show partitions and tail it", .action, hint: "open", action: .openTopic),
        KeyBinding([.character("i")], "Show or hide internal topics", .view, hint: "internal",
                   action: .toggleInternalTopics),
        topicFilter,
        KeyBinding([.character("C")], "Create a topic (name, partitions, replication, configs)", .action,
                   hint: "create", action: .createTopic),
        KeyBinding([.character("D")], "Delete this topic (type its name to confirm)", .action, hint: "delete",
                   action: .deleteTopic),
        KeyBinding([.character("A")], "Add partitions to this topic", .action, action: .addPartitions),
    ]

    private static let partitionBindings: [KeyBinding] = [
        KeyBinding([.enter], "Tail this partition", .action, hint: "tail", action: .tailSelectedPartition),
    ] + PartitionColumn.allCases.compactMap { column in
        guard let key = column.sortKey else { return nil }
        return KeyBinding([.character(key)], "Sort by \(column.helpName) (again: reverse)", .sorting,
                          hint: column == .partition ? "sort \(sortKeysSummary)" : nil,
                          action: .sortPartitions(column))
    } + [topicFilter]

    /// "PLOWMFIRBASTE": every sort key, for the hint bar.
    private static var sortKeysSummary: String {
        String(PartitionColumn.allCases.compactMap(\.sortKey))
    }

    private static let offsetBindings: [KeyBinding] = [
        KeyBinding([.character("c")], "Choose a consumer group that committed on this topic", .action, hint: "group",
                   action: .chooseGroup),
        KeyBinding([.character("r")], "Refresh committed offsets", .action, hint: "refresh",
                   action: .refreshGroupOffsets),
        topicFilter,
    ]

    private static let sendBindings: [KeyBinding] = [
        KeyBinding([.character("e"), .character(" ")], "Edit field (codec: next codec)", .editing, hint: "edit",
                   action: .editField),
        KeyBinding([.enter], "Send one message", .action, hint: "send", action: .sendMessage),
        KeyBinding([.character("L")], "Start or stop the load generator", .action, hint: "load",
                   action: .toggleLoadGenerator),
        topicFilter,
    ]

    private static let tailBindings: [KeyBinding] = [
        KeyBinding([.enter], "Open message with headers", .action, hint: "open", action: .openMessage),
        KeyBinding([.character("v")], "Value as text, hex or JSON", .view, hint: "text/hex/json",
                   action: .cycleValueFormat),
        KeyBinding([.character("b")], "Tail from the beginning", .action, action: .tailFromBeginning),
        KeyBinding([.character("e")], "Tail from the end", .action, hint: "from b/e/o/t", action: .tailFromEnd),
        KeyBinding([.character("o")], "Tail from an offset", .action, action: .tailFromOffset),
        KeyBinding([.character("t")], "Tail from a time (e.g. -5m, 2024-05-01T12:00)", .action,
                   action: .tailFromTime),
        KeyBinding([.character("]")], "Next partition", .action, action: .tailNextPartition),
        KeyBinding([.character("[")], "Previous partition", .action, hint: "[ ] partition",
                   action: .tailPreviousPartition),
        KeyBinding([.character("a")], "All partitions", .action, action: .tailAllPartitions),
        KeyBinding([.character("x")], "Clear scrollback", .action, action: .clearTail),
        KeyBinding([.character("/")], "Search kept messages: text in key, value or headers; ~ starts a regex", .view,
                   hint: "search", action: .startTailSearch),
        KeyBinding([.character("n")], "Next match", .navigation, action: .nextMatch),
        KeyBinding([.character("N")], "Previous match", .navigation, hint: "n/N match", action: .previousMatch),
        KeyBinding([.character("w")], "Write kept (or matching) messages to a file, kfast consume -J lines", .action,
                   hint: "write", action: .saveMessages),
    ]

    private static let groupBindings: [KeyBinding] = [
        KeyBinding([.enter], "Open group: members and offsets per partition", .action, hint: "open", action: .openGroup),
        KeyBinding([.character("/")], "Filter groups", .view, hint: "filter", action: .startGroupFilter),
        KeyBinding([.character("R")], "Reset this group's offsets (empty groups only; previewed first)", .action,
                   hint: "reset", action: .resetGroupOffsets),
    ] + GroupColumn.allCases.compactMap { column in
        guard let key = column.sortKey else { return nil }
        return KeyBinding([.character(key)], "Sort by \(column.helpName) (again: reverse)", .sorting,
                          hint: column == .name ? "sort \(String(GroupColumn.allCases.compactMap(\.sortKey)))" : nil,
                          action: .sortGroups(column))
    }

    private static let brokerBindings: [KeyBinding] = [topicFilter]

    private static let configBindings: [KeyBinding] = [
        KeyBinding([.character("r")], "Describe the configuration again", .action, hint: "refresh",
                   action: .refreshTopicConfig),
        KeyBinding([.character("/")], "Filter entries by name", .view, hint: "filter", action: .startConfigFilter),
    ]

    private static let textEntryBindings: [KeyBinding] = [
        KeyBinding([.enter], "Accept", .editing, hint: "accept", action: .commitText),
        KeyBinding([.escape], "Cancel", .editing, hint: "cancel", action: .cancelText),
        KeyBinding([.backspace, .delete], "Delete the last character", .editing, action: .deleteBackward),
        KeyBinding([.control("u")], "Clear the field", .editing, hint: "clear", action: .clearText),
        KeyBinding([], "Type text", .editing, keyLabel: "any character", action: .insertText),
    ]

    private static let overlayScrolling: [KeyBinding] = [
        KeyBinding([.character("k"), .up], "Scroll up", .navigation, action: .moveUp),
        KeyBinding([.character("j"), .down], "Scroll down", .navigation, hint: "scroll", action: .moveDown),
        KeyBinding([.pageUp], "Page up", .navigation, action: .pageUp),
        KeyBinding([.pageDown, .character(" ")], "Page down", .navigation, action: .pageDown),
        KeyBinding([.character("g"), .home], "Top", .navigation, action: .moveToTop),
        KeyBinding([.character("G"), .end], "Bottom", .navigation, action: .moveToBottom),
    ]

    private static let helpBindings: [KeyBinding] = [
        KeyBinding([.escape, .character("?"), .character("q"), .function(1)], "Close help", .view, hint: "close",
                   action: .closeOverlay),
    ] + overlayScrolling

    private static let messageDetailBindings: [KeyBinding] = [
        KeyBinding([.escape, .enter, .character("q")], "Close", .view, hint: "close", action: .closeOverlay),
        KeyBinding([.character("v")], "Value as text, hex dump or pretty JSON", .view, hint: "text/hex/json",
                   action: .cycleValueFormat),
        KeyBinding([.character("y")], "Copy the value to the clipboard (OSC 52 terminal escape)", .action,
                   hint: "copy", action: .copyValue),
    ] + overlayScrolling

    private static let groupDetailBindings: [KeyBinding] = [
        KeyBinding([.escape, .character("q")], "Back to the groups", .view, hint: "back", action: .closeOverlay),
        KeyBinding([.character("R")], "Reset this group's offsets (empty groups only; previewed first)", .action,
                   hint: "reset", action: .resetGroupOffsets),
    ] + overlayScrolling

    private static let pickerBindings: [KeyBinding] = [
        KeyBinding([.enter], "Choose the group", .editing, hint: "choose", action: .commitText),
        KeyBinding([.escape], "Cancel", .editing, hint: "cancel", action: .cancelText),
        KeyBinding([.up], "Previous group", .navigation, action: .moveUp),
        KeyBinding([.down], "Next group", .navigation, hint: "next", action: .moveDown),
        KeyBinding([.backspace, .delete], "Delete the last character", .editing, action: .deleteBackward),
        KeyBinding([.control("u")], "Clear what was typed", .editing, action: .clearText),
        KeyBinding([], "Type to narrow the list (or a group id to use it as is)", .editing, keyLabel: "any character",
                   action: .insertText),
    ]

    private static let dialogBindings: [KeyBinding] = [
        KeyBinding([.enter], "Go on (a preview or a confirmation comes first)", .editing, hint: "ok", action: .submitForm),
        KeyBinding([.escape], "Cancel", .editing, hint: "cancel", action: .cancelText),
        KeyBinding([.tab, .down], "Next field", .navigation, hint: "field", action: .nextField),
        KeyBinding([.backTab, .up], "Previous field", .navigation, action: .previousField),
        KeyBinding([.right], "Next choice", .editing, hint: "choice", action: .nextChoice),
        KeyBinding([.left], "Previous choice", .editing, action: .previousChoice),
        KeyBinding([.backspace, .delete], "Delete the last character", .editing, action: .deleteBackward),
        KeyBinding([.control("u")], "Clear the field", .editing, action: .clearText),
        KeyBinding([], "Type into the field", .editing, keyLabel: "any character", action: .insertText),
    ]

    private static let confirmBindings: [KeyBinding] = [
        KeyBinding([.character("y")], "Yes: make the change", .action, hint: "yes", action: .confirm),
        KeyBinding([.character("n"), .escape], "No: leave everything as it is", .action, hint: "no",
                   action: .closeOverlay),
    ] + overlayScrolling
}
